"""The engines that run Marian models: transformers (PyTorch) and CTranslate2."""
