"""The built-in checks, one module each. Every module here is imported and registers its
check (tqcheck.pipeline.registry): a new check is a new module, with nothing else to edit."""
