"""One module per solver family; each declares its solvers whole, as SolverSpec objects.

A spec carries the builder (validated hyper-parameters -> the pure pair
init(params) -> state, update(grad, state, params, *, hessian=None,
lr_scale=1.0) -> (updates, state)), the update rule as RuleLines, and the
hooks the app asks (explain_step, suggest_hyper, velocity_state; see
solvers.teaching). The registry lists the specs; SolverSpec.make builds a Solver.
"""
