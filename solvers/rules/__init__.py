"""One module per solver family: each exposes SolverSpec objects and builders.

A builder takes validated hyper-parameters and returns the pure pair
(init(params) -> state, update(grad, state, params, *, hessian=None,
lr_scale=1.0) -> (updates, state)); the registry wraps it into a Solver.
"""
