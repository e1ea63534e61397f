"""stackfit: evaluate data/AI technology stacks against requirements."""
