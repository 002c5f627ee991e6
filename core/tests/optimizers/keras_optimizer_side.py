"""Keras 3's side of the optimizer comparison tests: ``python keras_optimizer_side.py OUT.npz [SET]``
(with ``KERAS_BACKEND`` set) runs every case of ``CASE_SETS[SET]`` (default :data:`CASES`) for
:data:`N_STEPS` steps on Keras and saves the final variable and optimizer-slot values. The tests
run the same cases on dlx."""

from __future__ import annotations

import json
import sys

import numpy as np

N_STEPS = 5
# (variable path, shape): 2-D and 1-D, an embedding, a tall matrix (Muon transposes it), a 3-D one
VARIABLES = (("dense/kernel", (4, 6)), ("dense/bias", (6,)), ("embedding/embeddings", (7, 3)),
             ("tall/kernel", (8, 3)), ("head/kernel", (6, 2)), ("conv/kernel", (2, 3, 4)))

CASES = {
    "muon": ("Muon", {"learning_rate": 0.01}),
    "muon_plain": ("Muon", {"learning_rate": 0.02, "nesterov": False, "rms_rate": None, "exclude_embeddings": False,
                            "exclude_layers": ["head"], "adam_lr_ratio": 0.5, "weight_decay": 0.01,
                            "adam_weight_decay": None, "ns_steps": 3}),
    "muon_clip_accum": ("Muon", {"learning_rate": 0.01, "global_clipnorm": 1.0, "gradient_accumulation_steps": 2}),
    "sf_adamw": ("ScheduleFreeAdamW", {}),
    "sf_adamw_warmup": ("ScheduleFreeAdamW", {"learning_rate": 0.01, "warmup_steps": 3, "weight_decay": 0.05,
                                              "beta_1": 0.8}),
    "sf_adamw_accum": ("ScheduleFreeAdamW", {"gradient_accumulation_steps": 2, "clipnorm": 0.5}),
    "multi": ("MultiOptimizer", {"default": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
                                 "map": {"dense/.*": ("Adam", {"learning_rate": 0.01}),
                                         "tall/kernel": ("Muon", {"learning_rate": 0.02}),
                                         "conv/.*": ("ScheduleFreeAdamW", {"warmup_steps": 2})}}),
}

# every Optimizer argument (clipping, decay, EMA, loss scaling, accumulation), spread over the 12
# classic optimizers so each argument meets several update rules
ARGUMENT_CASES = {
    "sgd": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True, "use_ema": True, "ema_momentum": 0.5,
                    "ema_overwrite_frequency": 2}),
    "adam": ("Adam", {"amsgrad": True, "weight_decay": 0.05, "clipnorm": 0.5, "loss_scale_factor": 4.0}),
    "adamw": ("AdamW", {"learning_rate": 0.01, "global_clipnorm": 1.0, "gradient_accumulation_steps": 2}),
    "adamax": ("Adamax", {"learning_rate": 0.01, "clipvalue": 0.3, "use_ema": True, "ema_momentum": 0.8}),
    "nadam": ("Nadam", {"weight_decay": 0.01, "gradient_accumulation_steps": 2, "use_ema": True}),
    "rmsprop": ("RMSprop", {"centered": True, "momentum": 0.5, "global_clipnorm": 2.0, "use_ema": True,
                            "ema_overwrite_frequency": 3}),
    "adagrad": ("Adagrad", {"learning_rate": 0.1, "clipnorm": 1.0, "weight_decay": 0.02}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0, "clipvalue": 0.5, "loss_scale_factor": 8.0}),
    "ftrl": ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01, "gradient_accumulation_steps": 3,
                      "use_ema": True}),
    "lamb": ("Lamb", {"learning_rate": 0.01, "weight_decay": 0.1, "global_clipnorm": 3.0, "loss_scale_factor": 2.0}),
    "lion": ("Lion", {"learning_rate": 0.01, "clipnorm": 0.7, "use_ema": True, "ema_overwrite_frequency": 3}),
    "adafactor": ("Adafactor", {"learning_rate": 0.01, "gradient_accumulation_steps": 2, "weight_decay": 0.03}),
}
CASE_SETS = {"extended": CASES, "arguments": ARGUMENT_CASES}


def make(lib, cls_name, kwargs):
    """The optimizer of a case, from ``lib`` (``keras`` or ``dlx``)."""
    if cls_name != "MultiOptimizer":
        return getattr(lib.optimizers, cls_name)(**kwargs)
    default = make(lib, *kwargs["default"])
    mapping = {key: make(lib, *spec) for key, spec in kwargs["map"].items()}
    return lib.optimizers.MultiOptimizer(lib.optimizers.OptimizerMap(default, mapping))


def initial_values():
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype("float32") for _, s in VARIABLES]


def gradients():
    rng = np.random.default_rng(1)
    return [[rng.normal(size=s).astype("float32") for _, s in VARIABLES] for _ in range(N_STEPS)]


def run_keras(out, cases=CASES):
    import keras

    results = {}
    for case, (cls_name, kwargs) in cases.items():
        variables = []
        for (path, _), value in zip(VARIABLES, initial_values()):
            scope, name = path.split("/")
            with keras.name_scope(scope):
                variables.append(keras.Variable(value, name=name))
        opt = make(keras, cls_name, kwargs)
        opt.build(variables)
        for step in gradients():
            opt.apply([keras.ops.convert_to_tensor(g) for g in step], variables)
        for i, v in enumerate(variables):
            results[f"{case}/var{i}"] = keras.ops.convert_to_numpy(v.value)
        for i, v in enumerate(opt.variables):  # numbered: Adafactor names several slots alike
            results[f"{case}/opt/{i:03d}/{v.path}"] = keras.ops.convert_to_numpy(v.value)
        if case == "multi":
            results["multi/config"] = np.array(json.dumps(keras.saving.serialize_keras_object(opt)))
    np.savez(out, **results)


if __name__ == "__main__":
    run_keras(sys.argv[1], CASE_SETS[sys.argv[2] if len(sys.argv) > 2 else "extended"])
