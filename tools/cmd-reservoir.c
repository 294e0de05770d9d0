/* memnet reservoir: the command (usage, options, the task by name); cmd-reservoir.h lists the
 * parts. */
#include "cmd-reservoir.h"

#include <math.h>
#include <string.h>

static const char *usage =
    "usage: memnet reservoir TASK [options]\n"
    "\n"
    "TASK: sine-square | sine-double | mackey-glass | narma10 | memory | digits\n"
    "  sine-square   sine input, target the square wave sign(sin) (NMSE)\n"
    "  sine-double   sine input, target the sine of double frequency (NMSE)\n"
    "  mackey-glass  Mackey-Glass series (tau 17), predict HORIZON steps ahead (NMSE)\n"
    "  narma10       NARMA-10 from i.i.d. input in [0, 0.5] (NMSE)\n"
    "  memory        short-term memory capacity of i.i.d. input in [-1, 1] (MC)\n"
    "  digits        8x8 handwritten digits, 5 pixels per step (accuracy)\n"
    "\n"
    "network (generated unless --network is given):\n"
    "  --wires N            nanowires (default 3000); --density D wires per unit area\n"
    "                       (default 10: box side sqrt(N/D)); --width W --height H instead\n"
    "  --seed K             network seed (default 1)\n"
    "  --n-inputs K         input electrodes, discs on the left side (default 5)\n"
    "  --n-outputs K        grounded output electrodes on the right side (default 3)\n"
    "  --n-probes K         probe nodes (nearest nodes to points on the middle line; default 0)\n"
    "  --electrode-radius R disc radius (default 0.5, in wire lengths)\n"
    "  --network FILE       a native network file instead, with --inputs SET,SET,...\n"
    "                       --outputs SET,... [--probes SET,...] (node-set names)\n"
    "  --model NAME         memristor model (default miranda); --set P=V its parameters\n"
    "drive:\n"
    "  --step DT            task step (s, default 1); --substeps K fixed steps per task step\n"
    "                       (default 4)\n"
    "  --amplitude A        input scale (V, default 2); --bias B input offset (V, default 1)\n"
    "  --mask-seed K        signs and sizes of the per-electrode input scales of scalar tasks\n"
    "  --delays D           delayed copies of the features, and of the raw baseline inputs\n"
    "                       (default 0)\n"
    "  --no-input-currents  leave the input electrode currents out of the features\n"
    "task:\n"
    "  --steps N            task length (defaults: 1000 waveforms, 2000 others)\n"
    "  --period P           sine period in steps (default 20)\n"
    "  --horizon H          Mackey-Glass prediction horizon in samples (default 1);\n"
    "                       --mg-sample S time units per sample (default 1)\n"
    "  --kmax K             largest memory delay (default 30)\n"
    "  --digits FILE        digits CSV (64 pixels 0..16 and the label per line; .gz read\n"
    "                       directly; default scikit-learn's copy), --limit N digits\n"
    "  --rest K             steps at input 0 between two digits (default 1)\n"
    "readout:\n"
    "  --washout N          steps dropped at the start (default 100; digits: 0)\n"
    "  --train F            training fraction of the remaining steps (default 0.7)\n"
    "  --folds K            k-fold cross-validation of lambda (default 5)\n"
    "  --task-seed K        seed of the task's random input / digit order (default 1)\n"
    "output:\n"
    "  --out FILE.csv       per-step (per-digit, per-delay) targets and predictions\n"
    "\n"
    "Prints key=value lines: the task, the network, score (reservoir) and baseline (the same\n"
    "readout on the raw inputs), the chosen lambdas, run times (wall and CPU). Exit status:\n"
    "0 ok, 1 run error, 2 usage error.\n";


/* ------------------------------------------------------------------ options */

static int parse_long_min(const char *cmd, const char *opt, const char *text, long lo, long *out)
{
    if (cli_parse_long(cmd, opt, text, out)) return 2;
    if (*out < lo) return cli_usage_error(cmd, "%s %s: must be >= %ld", opt, text, lo);
    return 0;
}

static int parse_pos(const char *cmd, const char *opt, const char *text, double *out)
{
    if (cli_parse_double(cmd, opt, text, out)) return 2;
    if (!(*out > 0) || !isfinite(*out))
        return cli_usage_error(cmd, "%s %s: must be a finite number > 0", opt, text);
    return 0;
}

int mn_cli_reservoir(int argc, char **argv)
{
    const char *cmd = "reservoir";
    opts o;
    memset(&o, 0, sizeof o);
    o.wires = 3000;
    o.density = 10;
    o.radius = 0.5;
    o.seed = 1;
    o.mask_seed = 1;
    o.task_seed = 1;
    o.n_in = 5;
    o.n_out = 3;
    o.model = "miranda";
    o.step = 1;
    o.substeps = 4;
    o.amplitude = 2;
    o.bias = 1;
    o.input_currents = 1;
    o.period = 20;
    o.horizon = 1;
    o.kmax = 30;
    o.rest = 1;
    o.washout = -1;
    o.folds = 5;
    o.mg_sample = 1;
    o.train = 0.7;
    o.digits = DIGITS_DEFAULT;
    o.steps = -1;
    int rc;
    for (int i = 1; i < argc; i++) {
        const char *v;
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if (a[0] != '-') {
            if (o.task) return cli_usage_error(cmd, "two tasks given: \"%s\" and \"%s\"", o.task, a);
            o.task = a;
            continue;
        }
        if (cli_flag(a, "--no-input-currents")) {
            o.input_currents = 0;
            continue;
        }
#define LONGOPT(name, var, lo)                                                                  \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        if ((rc = parse_long_min(cmd, name, v, lo, &var))) return rc;                           \
        continue;                                                                               \
    }
#define POSOPT(name, var)                                                                       \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        if ((rc = parse_pos(cmd, name, v, &var))) return rc;                                    \
        continue;                                                                               \
    }
#define U64OPT(name, var)                                                                       \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        if (cli_parse_u64(cmd, name, v, &var)) return 2;                                        \
        continue;                                                                               \
    }
#define STROPT(name, var)                                                                       \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        var = v;                                                                                \
        continue;                                                                               \
    }
        LONGOPT("--wires", o.wires, 1)
        POSOPT("--density", o.density)
        POSOPT("--width", o.width)
        POSOPT("--height", o.height)
        U64OPT("--seed", o.seed)
        LONGOPT("--n-inputs", o.n_in, 1)
        LONGOPT("--n-outputs", o.n_out, 0)
        LONGOPT("--n-probes", o.n_probe, 0)
        POSOPT("--electrode-radius", o.radius)
        STROPT("--network", o.network)
        STROPT("--inputs", o.inputs)
        STROPT("--outputs", o.outputs)
        STROPT("--probes", o.probes)
        STROPT("--model", o.model)
        POSOPT("--step", o.step)
        LONGOPT("--substeps", o.substeps, 1)
        U64OPT("--mask-seed", o.mask_seed)
        LONGOPT("--delays", o.delays, 0)
        LONGOPT("--steps", o.steps, 20)
        LONGOPT("--period", o.period, 2)
        LONGOPT("--horizon", o.horizon, 0)
        POSOPT("--mg-sample", o.mg_sample)
        LONGOPT("--kmax", o.kmax, 0)
        STROPT("--digits", o.digits)
        LONGOPT("--limit", o.limit, 20)
        LONGOPT("--rest", o.rest, 0)
        LONGOPT("--washout", o.washout, 0)
        LONGOPT("--folds", o.folds, 2)
        U64OPT("--task-seed", o.task_seed)
        STROPT("--out", o.out)
        if ((v = cli_opt_value(argc, argv, &i, "--amplitude")) != NULL) {
            if (cli_parse_double(cmd, "--amplitude", v, &o.amplitude) || !isfinite(o.amplitude))
                return cli_usage_error(cmd, "--amplitude %s: must be a finite number", v);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--bias")) != NULL) {
            if (cli_parse_double(cmd, "--bias", v, &o.bias) || !isfinite(o.bias))
                return cli_usage_error(cmd, "--bias %s: must be a finite number", v);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--train")) != NULL) {
            if (cli_parse_double(cmd, "--train", v, &o.train) || !(o.train > 0 && o.train < 1))
                return cli_usage_error(cmd, "--train %s: must be a fraction in (0, 1)", v);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--set")) != NULL) {
            if (o.nsets == (int)(sizeof o.sets / sizeof o.sets[0]))
                return cli_usage_error(cmd, "too many --set options");
            o.sets[o.nsets++] = v;
            continue;
        }
#undef LONGOPT
#undef POSOPT
#undef U64OPT
#undef STROPT
        return cli_usage_error(cmd, "unknown option \"%s\" (see memnet reservoir --help)", a);
    }
    if (!o.task) return cli_usage_error(cmd, "a TASK is required (see memnet reservoir --help)");
    if (o.network && (!o.inputs || !o.outputs))
        return cli_usage_error(cmd, "--network needs --inputs SET,... and --outputs SET,...");
    if (!o.network && (o.inputs || o.outputs || o.probes))
        return cli_usage_error(cmd, "--inputs/--outputs/--probes name sets of a --network file");
    if ((o.width > 0) != (o.height > 0))
        return cli_usage_error(cmd, "give both --width and --height (or neither)");
    if (!o.network && o.n_out + o.n_probe == 0)
        return cli_usage_error(cmd, "--n-outputs 0 and --n-probes 0: nothing to read out");
    int digits = !strcmp(o.task, "digits");
    if (o.washout < 0) o.washout = digits ? 0 : 100;
    if (o.steps < 0) o.steps = !strncmp(o.task, "sine-", 5) ? 1000 : 2000;
    if (!strcmp(o.task, "memory") && o.washout < o.kmax)
        return cli_usage_error(cmd, "--washout %ld must be >= --kmax %ld", o.washout, o.kmax);
    if (!strcmp(o.task, "sine-square")) return res_task_sine(cmd, &o, 0);
    if (!strcmp(o.task, "sine-double")) return res_task_sine(cmd, &o, 1);
    if (!strcmp(o.task, "mackey-glass")) return res_task_mackey_glass(cmd, &o);
    if (!strcmp(o.task, "narma10")) return res_task_narma(cmd, &o);
    if (!strcmp(o.task, "memory")) return res_task_memory(cmd, &o);
    if (digits) return res_task_digits(cmd, &o);
    return cli_usage_error(cmd, "unknown task \"%s\" (sine-square, sine-double, mackey-glass, "
                                "narma10, memory, digits)", o.task);
}
