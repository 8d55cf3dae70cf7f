"""One module per ``deepcomposer`` subcommand: ``add_arguments(parser)`` and ``run(args)``.

Modules import their layer's heavy packages inside ``run`` so that ``--help`` stays instant.
"""
