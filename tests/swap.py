# The swapper for the race tests: exchanges its two arguments with
# renameat2(RENAME_EXCHANGE) (from libc, or the raw system call) until
# SIGTERM; then writes how many exchanges succeeded and how many failed
# to its third argument.  ARG3.up appears once it runs.
import ctypes, os, platform, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
AT_FDCWD, RENAME_EXCHANGE = -100, 2
if hasattr(libc, "renameat2"):
    def swap():
        return libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
else:
    nr = {"x86_64": 316, "aarch64": 276}[platform.machine()]
    def swap():
        return libc.syscall(nr, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
done = [0, 0]
def stop(*_):
    with open(sys.argv[3], "w") as f:
        f.write("%d %d\n" % tuple(done))
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
with open(sys.argv[3] + ".up", "w"):
    pass
while True:
    done[0 if swap() == 0 else 1] += 1
