"""QML threat lab: attacks on quantum ML models for O-RAN functions and the defences that hold (docs/qml.md).

Layers (data → encode → evolve/attack → observe → decide → report):
:mod:`~qsec6g.qml.data` (ColO-RAN KPIs, degraded-link labels), :mod:`~qsec6g.qml.circuits` (VQC on
``qsec6g.quantum.torch_backend``), :mod:`~qsec6g.qml.models` (classical counterparts, training),
:mod:`~qsec6g.qml.attacks`, :mod:`~qsec6g.qml.defences`, :mod:`~qsec6g.qml.federated`, :mod:`~qsec6g.qml.trojan`,
:mod:`~qsec6g.qml.kernel_svm`, :mod:`~qsec6g.qml.policy`, :mod:`~qsec6g.qml.privacy`, :mod:`~qsec6g.qml.intercept`,
:mod:`~qsec6g.qml.experiments` (the CLI's runs), :mod:`~qsec6g.qml.report`.
Import submodules directly (torch is imported by most of them).
"""
