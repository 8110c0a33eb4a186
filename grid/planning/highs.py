"""One HiGHS run of one model: options, status and the column values."""

import os
import time
from dataclasses import dataclass

import highspy
import numpy as np

from grid.planning.instance import FloatArray
from grid.planning.model import Model

# Relative MIP gap at which HiGHS stops: a plan within 0.4% of the model's optimum, inside the
# 0.5% target for chargers with a minimum, found in a tenth of the time 0.1% takes (measured:
# 0.7 s against 6.8 s on a 100-car feeder with 2,751 on/off slots).
MIP_REL_GAP = 4e-3
# The optimum a plan is scored against: HiGHS's own default gap.
OPTIMUM_MIP_REL_GAP = 1e-4
# HiGHS starts one thread scheduler per process, on the first run: a later run asking another
# number of threads fails ("Not Set", no solution). Every run asks the same number.
HIGHS_THREADS = os.cpu_count() or 1


@dataclass(frozen=True)
class Run:
    model_status: str  # HiGHS's name, e.g. "Optimal", "Infeasible", "Time limit reached"
    values: FloatArray | None  # column values when HiGHS holds a feasible solution
    objective: float
    seconds: float
    rows: int
    cols: int
    nonzeros: int
    mip_gap: float | None

    @property
    def optimal(self) -> bool:
        return self.model_status == "Optimal"

    @property
    def infeasible(self) -> bool:
        return self.model_status in ("Infeasible", "Primal infeasible or unbounded")


def highs_run(
    model: Model,
    *,
    time_limit: float | None,
    mip_rel_gap: float = MIP_REL_GAP,
    small_lp: bool = False,
) -> Run:
    """``small_lp``: one feeder's LP, which primal simplex without presolve solves three times
    faster than the defaults (0.045 s against 0.13 s on a 100-car feeder); the coupled model
    is faster with the defaults."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's __init__ is unannotated
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", HIGHS_THREADS)
    h.setOptionValue("mip_rel_gap", mip_rel_gap)
    if small_lp and not len(model.integer_cols):
        h.setOptionValue("simplex_strategy", 4)  # primal
        h.setOptionValue("presolve", "off")
    if time_limit is not None:
        h.setOptionValue("time_limit", max(time_limit, 1e-3))
    lp = model.lp
    h.passModel(lp)
    if len(model.integer_cols):
        kinds = np.full(len(model.integer_cols), highspy.HighsVarType.kInteger.value, np.uint8)
        h.changeColsIntegrality(len(model.integer_cols), model.integer_cols, kinds)
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    status = h.getModelStatus()
    info = h.getInfo()
    feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    values = np.array(h.getSolution().col_value) if feasible else None
    is_mip = len(model.integer_cols) > 0
    return Run(
        model_status=h.modelStatusToString(status),
        values=values,
        objective=float(info.objective_function_value),
        seconds=seconds,
        rows=lp.num_row_,
        cols=lp.num_col_,
        nonzeros=len(lp.a_matrix_.value_),
        mip_gap=float(info.mip_gap) if is_mip and feasible else None,
    )
