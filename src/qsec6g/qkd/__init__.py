"""QKD link with eavesdropper detection and a hybrid QKD + ML-KEM secured channel (issue #6).

Entry points: :func:`qsec6g.qkd.link.run_link` (one run: pulses -> final key + :class:`~qsec6g.qkd.link.LinkReport`),
:mod:`qsec6g.qkd.protocols` (vectorised prepare-transmit-measure), :mod:`qsec6g.qkd.cascade`,
:mod:`qsec6g.qkd.hashing`, :mod:`qsec6g.qkd.keyrate`, :class:`qsec6g.qkd.hybrid.HybridLink` and
:class:`qsec6g.qkd.events.EventBus`. Submodules are imported on demand so that ``import qsec6g.qkd`` stays cheap.
See docs/qkd.md.
"""
