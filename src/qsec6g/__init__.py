"""qsec6g: quantum-aware security for 6G and Open RAN.

Parts (see ``docs/architecture.md``): ``quantum`` (kernel) <- ``twin``, ``zerotrust``, ``qkd``, ``rrm``, ``qml``
(domain parts) <- ``service``, ``cli``, ``bench`` (interfaces). Imports only go right-to-left in that chain.
"""

__version__ = "0.1.0"
