/* memnet meanfield's subcommands (cmd-meanfield-<part>.c). */
#ifndef MEMNET_CMD_MEANFIELD_H
#define MEMNET_CMD_MEANFIELD_H

/* memnet meanfield predict: G(t) from the effective-medium reduction (argv[0] = "predict") */
int mn_cli_meanfield_predict(int argc, char **argv);

#endif
