"""QNN zero-trust engine: flow data → quantum and classical anomaly detectors → calibrated risk → grant / restrict /
deny, adaptive thresholds and micro-segmentation. See ``docs/zerotrust.md``.

Submodules are imported on demand (``from qsec6g.zerotrust.decision import default_engine``); importing this
package does not load torch or scikit-learn.
"""
