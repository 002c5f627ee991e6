"""On the torch backend every dlx layer is also a torch.nn.Module."""

import numpy as np
import pytest
import torch

import dlx


@pytest.fixture
def torch_backend():
    with dlx.backend.use("torch") as b:
        yield b


def mlp(units=8):
    return dlx.Sequential([dlx.Input((4,)), dlx.layers.Dense(units, activation="relu"), dlx.layers.Dense(1)])


def test_layers_and_models_are_modules_with_visible_parameters(torch_backend):
    m = mlp()
    assert isinstance(m, torch.nn.Module) and isinstance(m.layers[0], torch.nn.Module)
    assert isinstance(m, dlx.Sequential) and type(m).__name__ == "Sequential"
    names = [n for n, _ in m.named_parameters()]
    assert names == ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]
    # the parameters are the variables' own storage
    assert m.layers[0].kernel.storage is dict(m.named_parameters())["dense.kernel"]
    assert sum(p.numel() for p in m.parameters()) == m.count_params()


def test_torch_optim_trains_a_dlx_model(torch_backend):
    torch.manual_seed(0)
    m = mlp()
    opt = torch.optim.Adam(m.parameters(), lr=0.05)
    x = torch.randn(64, 4)
    y = x.sum(1, keepdim=True)
    first = None
    for _ in range(150):
        opt.zero_grad()
        loss = ((m(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < first / 20
    # dlx sees what torch.optim wrote
    np.testing.assert_allclose(m.predict(x.numpy(), verbose=0), m(x).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_no_grad_inference_builds_no_graph(torch_backend):
    m = mlp()
    with torch.no_grad():
        assert not m(torch.randn(2, 4)).requires_grad
    assert m(torch.randn(2, 4)).requires_grad


def test_state_dict_round_trips_between_instances(torch_backend):
    a, b = mlp(), mlp()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    assert not np.allclose(a.predict(x, verbose=0), b.predict(x, verbose=0))
    b.load_state_dict({k: v.clone() for k, v in a.state_dict().items()})
    np.testing.assert_array_equal(a.predict(x, verbose=0), b.predict(x, verbose=0))


def test_buffers_hold_non_trainable_state_and_train_eval_toggle(torch_backend):
    m = dlx.Sequential([dlx.Input((3,)), dlx.layers.BatchNormalization()])
    keys = list(m.state_dict())
    assert "batch_normalization.gamma" in keys and "batch_normalization.moving_mean" in keys
    m.eval()
    assert not m.training and not m.layers[0].training


def test_serialization_uses_the_dlx_class(torch_backend):
    m = mlp()
    cfg = dlx.saving.serialize(m)
    assert cfg["class_name"] == "Sequential" and cfg["module"].startswith("dlx")
    clone = dlx.saving.deserialize(cfg)
    assert isinstance(clone, torch.nn.Module) and [n for n, _ in clone.named_parameters()] == [
        n for n, _ in m.named_parameters()]


def _linear(m, x):
    """``m``'s output for ``x`` from its current weights, in float64 NumPy."""
    (k1, b1, k2, b2) = [w.astype(np.float64) for w in m.get_weights()]
    return np.maximum(x @ k1 + b1, 0.0) @ k2 + b2


def test_predict_reuses_its_reads_and_sees_every_change_of_the_weights(torch_backend):
    # predict reuses the detached reads of the variables while none changed (read_aliases): an
    # assign, an in-place torch optimizer step (no dlx assign) and memory replaced under a
    # Parameter (`param.data = ...`, as Module.to does) are each seen by the next predict
    m = mlp()
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    m.predict(x, verbose=0)
    first = m._inference_state()[0]
    assert [a is b for a, b in zip(first, m._inference_state()[0])] == [True] * 4
    m.layers[0].kernel.assign(np.full((4, 8), 0.5, np.float32))
    np.testing.assert_allclose(m.predict(x, verbose=0), _linear(m, x), rtol=1e-5, atol=1e-6)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    opt.zero_grad()
    (m(torch.from_numpy(x)) ** 2).mean().backward()
    before = m.predict_on_batch(x)
    opt.step()
    after = m.predict_on_batch(x)
    assert not np.allclose(after, before)
    np.testing.assert_allclose(after, _linear(m, x), rtol=1e-5, atol=1e-6)
    param = m.layers[1].kernel.storage
    param.data = torch.full_like(param, 2.0)
    np.testing.assert_allclose(m.predict(x, verbose=0), _linear(m, x), rtol=1e-5, atol=1e-6)
