"""What the product does not need to run: the demo data of `make run` (`load_demo`) and the
benchmark's load generator (`generate_load_data`). A Django app of its own, so that its
commands are there, and nothing of the product imports it."""
