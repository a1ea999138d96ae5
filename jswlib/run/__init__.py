"""Many reports at once: the batch runner and generated documentation."""
