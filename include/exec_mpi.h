/*
 * The mpi executor's life cycle (parcp-mpi only): MPI starts in main,
 * rank 0 runs parcp with the ranks as its workers, the other ranks serve
 * the jobs it sends until it ends.
 */
#ifndef PARCP_EXEC_MPI_H
#define PARCP_EXEC_MPI_H

#include <stdbool.h>

/* MPI_Init; on rank 0 the mpi executor is registered and MPI ends at its
 * exit.  Returns the rank. */
int	exec_mpi_init(int *argc, char ***argv);
/* The ranks of the job. */
int	exec_mpi_ranks(void);
/* Do the ranks run on more than one host? */
bool	exec_mpi_hosts(void);
/* Ranks other than 0: run rank 0's jobs until it ends; then MPI ends.
 * Returns the exit status. */
int	exec_mpi_serve(void);

#endif
