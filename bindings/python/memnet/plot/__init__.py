"""Figures from memnet's output files (matplotlib; each module is also a command).

- memnet.plot.fit: G(t) against its mean-field fit and the residuals (from `memnet simulate
  --out` and `memnet fit --out`);
- memnet.plot.phase: effective potentials, equilibria and the quasi-static sweep, 000 eqs.
  (11)-(19) (from `memnet potential`);
- memnet.plot.network: the network, its potential and current maps (from `memnet generate`
  and `memnet solve`);
- memnet.plot.analysis: IEI distributions, ACFs, avalanches in the style of 003 Fig. 6 (from
  `memnet analyze`);
- memnet.plot.spiking: 003 Figs. 5, 6, 7 and S18 (from examples/spiking-experiments and
  `memnet analyze`).

Run one as ``python3 -m memnet.plot.fit SIM.csv FIT.csv -o fit.png`` or call its
``main(["SIM.csv", "FIT.csv", "-o", "fit.png"])``; scripts/plot-*.py in the source tree run the
same code. Each writes PNG files with matplotlib's Agg backend (no display needed) and needs
matplotlib (Debian: python3-matplotlib); importing memnet does not import them.
"""

__all__ = ["fit", "phase", "network", "analysis", "spiking"]
