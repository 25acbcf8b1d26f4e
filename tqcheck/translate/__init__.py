"""Translation models: the registry, resolution and download, the backends that run them
(transformers, CTranslate2) behind one protocol, and the caches in front of them."""
