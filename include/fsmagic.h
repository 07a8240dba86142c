/*
 * File system magic numbers (statfs f_type) that <linux/magic.h> lacks on
 * older kernels' headers, or never had (out-of-tree file systems).
 */
#ifndef PARCP_FSMAGIC_H
#define PARCP_FSMAGIC_H

#include <linux/magic.h>

#ifndef SMB2_MAGIC_NUMBER
#define SMB2_MAGIC_NUMBER	0xfe534d42
#endif
#ifndef CIFS_SUPER_MAGIC
#define CIFS_SUPER_MAGIC	0xff534d42
#endif
#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC	0x65735546
#endif
#ifndef CEPH_SUPER_MAGIC
#define CEPH_SUPER_MAGIC	0x00c36400
#endif
#ifndef V9FS_MAGIC
#define V9FS_MAGIC		0x01021997
#endif
#ifndef AFS_FS_MAGIC
#define AFS_FS_MAGIC		0x6b414653
#endif
#ifndef OCFS2_SUPER_MAGIC
#define OCFS2_SUPER_MAGIC	0x7461636f
#endif
#ifndef ORANGEFS_DEVREQ_MAGIC
#define ORANGEFS_DEVREQ_MAGIC	0x20030528
#endif
/* Out of tree: Lustre, IBM Storage Scale (GPFS), BeeGFS. */
#define LUSTRE_SUPER_MAGIC	0x0bd00bd0
#define GPFS_SUPER_MAGIC	0x47504653
#define BEEGFS_SUPER_MAGIC	0x19830326

#endif
