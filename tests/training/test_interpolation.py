import pytest
import torch

from training.interpolation import InterpolationError, interpolate_weights


class Tiny(torch.nn.Module):
    def __init__(self, width: int = 3) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(width, 2)
        self.register_buffer("position_ids", torch.arange(width))


def _pair(seed_a: int = 1, seed_b: int = 2) -> tuple[Tiny, Tiny]:
    torch.manual_seed(seed_a)
    tuned = Tiny()
    torch.manual_seed(seed_b)
    return tuned, Tiny()


def test_the_weight_moves_parameters_between_start_and_trained():
    tuned, start = _pair()
    before = tuned.linear.weight.detach().clone()
    interpolate_weights(tuned, start, 0.75)
    expected = 0.25 * start.linear.weight + 0.75 * before
    assert torch.allclose(tuned.linear.weight, expected)
    assert not torch.allclose(tuned.linear.weight, before)


def test_weight_one_keeps_the_trained_model_and_indices_are_never_averaged():
    tuned, start = _pair()
    before = {k: v.clone() for k, v in tuned.state_dict().items()}
    start.position_ids += 5  # an integer buffer: averaging it would corrupt the indices
    interpolate_weights(tuned, start, 1.0)
    after = tuned.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    interpolate_weights(tuned, start, 0.5)
    assert torch.equal(tuned.position_ids, torch.arange(3))


def test_mismatched_models_and_bad_weights_are_refused():
    tuned, _ = _pair()
    with pytest.raises(InterpolationError, match="shape"):
        interpolate_weights(tuned, Tiny(width=4), 0.5)
    with pytest.raises(InterpolationError, match=r"differ in 5 parameter\(s\)"):
        interpolate_weights(tuned, torch.nn.Linear(3, 2), 0.5)
    for weight in (0.0, 1.5):
        with pytest.raises(InterpolationError, match=r"\(0, 1\]"):
            interpolate_weights(tuned, Tiny(), weight)
