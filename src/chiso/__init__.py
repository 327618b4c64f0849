"""chiso: plan, collect, check and report social-security and mass-mobilisation figures."""

__version__ = "0.1.0"
