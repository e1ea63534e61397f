"""Reading untrusted user files into validated models, with every error located."""
