#!/usr/bin/env python3
"""Train and quantize Sable's digits model (models/digits/).

Trains a float MLP 64 -> 32 (ReLU) -> 10 on scikit-learn's 8x8 handwritten
digits and quantizes it to the integer model that Sable's inference circuit
proves:

    a_i   = b1[i] + sum_j W1[i][j] * x[j]              exact integers
    hid_i = min(floor(max(a_i, 0) / divisor), 127)
    y_k   = b2[k] + sum_i W2[k][i] * hid_i             exact integers
    class = argmax_k y_k   (ties: the lowest k)

x is the raw pixel value of load_digits() (0..16), W1 and W2 are int8, b1 and b2
are int16, divisor is in [1, 256].

Quantization. The float network is trained on x / 16, so for raw pixels its
first layer is W1f / 16. With s1 = 127 / max|W1f / 16|:
    W1 = round(s1 * W1f / 16),  b1 = round(s1 * b1f) + divisor // 2
so a_i ~= s1 * (float pre-activation) and floor((a_i) / divisor) rounds
s1 * a_float / divisor to the nearest integer (the divisor // 2 in b1 turns the
circuit's floor into rounding). Then with s2 = 127 / max|W2f|:
    W2 = round(s2 * W2f),  b2 = round(s2 * b2f * s1 / divisor)
so y_k ~= s2 * s1 / divisor * (float logit k), a positive multiple, and the
argmax is the float model's up to rounding and the clamp at 127.

The divisor is a power of two in [1, 256], the one whose integer model is most
accurate on the TRAINING split (ties: the smallest mean squared error between
the rescaled integer hidden layer and the float hidden layer on the training
split, then the smaller divisor). The test split is used only to report.

The regularization strength alpha is picked by 5-fold cross-validation of the
float model on the training split, from a fixed grid.

Deterministic: fixed seeds, one BLAS thread (train.sh sets it), and the output
files are written with fixed formatting, so two runs give identical bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier

SEED = 0
TEST_SIZE = 0.25
N_IN, N_HIDDEN, N_OUT = 64, 32, 10
PIXEL_MAX = 16
ALPHA_GRID = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
MAX_ITER = 2000
INT8 = (-128, 127)
INT16 = (-32768, 32767)
HIDDEN_MAX = 127
A_LIMIT = 1 << 24
INT24 = (-(1 << 23), (1 << 23) - 1)


def make_mlp(alpha: float) -> MLPClassifier:
    return MLPClassifier(
        hidden_layer_sizes=(N_HIDDEN,),
        activation="relu",
        solver="adam",
        alpha=alpha,
        max_iter=MAX_ITER,
        random_state=SEED,
    )


def fit_mlp(alpha: float, x: np.ndarray, y: np.ndarray) -> MLPClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = make_mlp(alpha)
        model.fit(x / PIXEL_MAX, y)
    return model


def choose_alpha(x: np.ndarray, y: np.ndarray) -> tuple[float, list[dict]]:
    """5-fold CV of the float model on the training split only."""
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    results = []
    for alpha in ALPHA_GRID:
        scores = []
        for fit_idx, val_idx in folds.split(x, y):
            model = fit_mlp(alpha, x[fit_idx], y[fit_idx])
            scores.append(float(model.score(x[val_idx] / PIXEL_MAX, y[val_idx])))
        results.append({"alpha": alpha, "cv_accuracy": round(float(np.mean(scores)), 4)})
    # Highest CV accuracy; ties go to the larger alpha (smaller weights).
    best = max(results, key=lambda r: (r["cv_accuracy"], r["alpha"]))
    return best["alpha"], results


def int_forward_np(q: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer model in numpy int64 (exact at these magnitudes); for the search."""
    a = x @ q["w1"].T + q["b1"]
    hid = np.minimum(np.maximum(a, 0) // q["divisor"], HIDDEN_MAX)
    out = hid @ q["w2"].T + q["b2"]
    return hid, out


def quantize(model: MLPClassifier, divisor: int) -> dict | None:
    w1f = model.coefs_[0].T / PIXEL_MAX  # (32, 64), for raw pixels
    b1f = model.intercepts_[0]
    w2f = model.coefs_[1].T  # (10, 32)
    b2f = model.intercepts_[1]
    s1 = INT8[1] / float(np.abs(w1f).max())
    s2 = INT8[1] / float(np.abs(w2f).max())
    w1 = np.round(w1f * s1).astype(np.int64)
    b1 = np.round(b1f * s1).astype(np.int64) + divisor // 2
    w2 = np.round(w2f * s2).astype(np.int64)
    b2 = np.round(b2f * s2 * s1 / divisor).astype(np.int64)
    assert w1.min() >= INT8[0] and w1.max() <= INT8[1]
    assert w2.min() >= INT8[0] and w2.max() <= INT8[1]
    if min(b1.min(), b2.min()) < INT16[0] or max(b1.max(), b2.max()) > INT16[1]:
        return None
    return {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "divisor": divisor,
            "s1": s1, "s2": s2}


def float_hidden(model: MLPClassifier, x: np.ndarray) -> np.ndarray:
    return np.maximum(x / PIXEL_MAX @ model.coefs_[0] + model.intercepts_[0], 0.0)


def choose_divisor(model: MLPClassifier, x: np.ndarray, y: np.ndarray) -> tuple[dict, list[dict]]:
    """Best power-of-two divisor by integer accuracy on the training split."""
    h_float = float_hidden(model, x)
    candidates = []
    for k in range(9):
        divisor = 1 << k
        q = quantize(model, divisor)
        if q is None:
            continue
        hid, out = int_forward_np(q, x)
        acc = float((out.argmax(axis=1) == y).mean())
        mse = float(((hid * divisor / q["s1"] - h_float) ** 2).mean())
        candidates.append((acc, -mse, -divisor, q,
                           {"divisor": divisor, "train_integer_accuracy": round(acc, 4),
                            "hidden_mse": float(f"{mse:.4g}")}))
    best = max(candidates, key=lambda c: c[:3])
    return best[3], [c[4] for c in candidates]


def to_lists(q: dict) -> dict:
    return {name: q[name].tolist() for name in ("w1", "b1", "w2", "b2")}


def check_ranges(m: dict) -> None:
    assert len(m["w1"]) == N_HIDDEN and all(len(r) == N_IN for r in m["w1"])
    assert len(m["b1"]) == N_HIDDEN
    assert len(m["w2"]) == N_OUT and all(len(r) == N_HIDDEN for r in m["w2"])
    assert len(m["b2"]) == N_OUT
    for row in m["w1"] + m["w2"]:
        assert all(type(v) is int and INT8[0] <= v <= INT8[1] for v in row)
    for v in m["b1"] + m["b2"]:
        assert type(v) is int and INT16[0] <= v <= INT16[1]
    assert 1 <= m["divisor"] <= 256


def int_classify(m: dict, x: list[int]) -> int:
    """The circuit's integer model, exactly, in Python ints."""
    hid = []
    for i in range(N_HIDDEN):
        a = m["b1"][i] + sum(w * v for w, v in zip(m["w1"][i], x))
        assert -A_LIMIT < a < A_LIMIT
        hid.append(min(max(a, 0) // m["divisor"], HIDDEN_MAX))
    best_k, best_y = 0, None
    for k in range(N_OUT):
        y = m["b2"][k] + sum(w * h for w, h in zip(m["w2"][k], hid))
        assert INT24[0] <= y <= INT24[1]
        if best_y is None or y > best_y:  # strict: ties keep the lowest k
            best_k, best_y = k, y
    return best_k


def fmt_float(v: float) -> str:
    return f"{v:.4f}"


def dump_model(m: dict) -> str:
    """JSON with one matrix row per line."""
    def row(r):
        return "[" + ", ".join(str(v) for v in r) + "]"

    def matrix(rows):
        return "[\n" + ",\n".join("    " + row(r) for r in rows) + "\n  ]"

    parts = []
    for key, value in m.items():
        if key in ("w1", "w2"):
            text = matrix(value)
        elif key in ("b1", "b2"):
            text = row(value)
        elif key in ("float_accuracy", "integer_accuracy"):
            text = fmt_float(value)
        else:
            text = json.dumps(value, separators=(", ", ": "))
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def dump_test_split(inputs: list[list[int]], labels: list[int]) -> str:
    rows = ",\n".join("    " + json.dumps(r, separators=(",", ":")) for r in inputs)
    return ('{\n  "inputs": [\n' + rows + '\n  ],\n  "labels": '
            + json.dumps(labels, separators=(",", ":")) + "\n}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args()

    digits = load_digits()
    x_all = digits.data.astype(np.int64)
    y_all = digits.target.astype(np.int64)
    assert x_all.shape[1] == N_IN and x_all.min() >= 0 and x_all.max() <= PIXEL_MAX
    x_tr, x_te, y_tr, y_te = train_test_split(
        x_all, y_all, test_size=TEST_SIZE, random_state=SEED, stratify=y_all)

    alpha, cv = choose_alpha(x_tr, y_tr)
    for r in cv:
        print(f"alpha {r['alpha']:g}: 5-fold CV float accuracy {r['cv_accuracy']:.4f}",
              file=sys.stderr)
    model = fit_mlp(alpha, x_tr, y_tr)
    float_acc = float(model.score(x_te / PIXEL_MAX, y_te))

    q, divisor_search = choose_divisor(model, x_tr, y_tr)
    for r in divisor_search:
        print(f"divisor {r['divisor']}: train integer accuracy "
              f"{r['train_integer_accuracy']:.4f}, hidden mse {r['hidden_mse']}",
              file=sys.stderr)
    weights = to_lists(q)
    weights["divisor"] = q["divisor"]
    check_ranges(weights)

    test_inputs = x_te.tolist()
    test_labels = y_te.tolist()
    classes = [int_classify(weights, x) for x in test_inputs]
    _, out_np = int_forward_np(q, x_te)
    assert classes == out_np.argmax(axis=1).tolist(), "numpy and exact integer models differ"
    int_acc = sum(c == l for c, l in zip(classes, test_labels)) / len(test_labels)
    train_classes = [int_classify(weights, x) for x in x_tr.tolist()]
    train_int_acc = sum(c == l for c, l in zip(train_classes, y_tr.tolist())) / len(y_tr)
    float_pred = model.predict(x_te / PIXEL_MAX).tolist()
    agreement = sum(c == f for c, f in zip(classes, float_pred)) / len(classes)

    # The example: the first test sample that both models classify correctly.
    example = next(i for i, (c, f, l) in enumerate(zip(classes, float_pred, test_labels))
                   if c == l and f == l)

    m = {
        "name": "digits-mlp-64x32x10",
        "dataset": "sklearn.datasets.load_digits",
        "shape": {"inputs": N_IN, "hidden": N_HIDDEN, "outputs": N_OUT},
        "w1": weights["w1"],
        "b1": weights["b1"],
        "w2": weights["w2"],
        "b2": weights["b2"],
        "divisor": weights["divisor"],
        "seed": SEED,
        "train_size": len(y_tr),
        "test_size": len(y_te),
        "float_accuracy": round(float_acc, 4),
        "integer_accuracy": round(int_acc, 4),
        "sklearn_version": sklearn.__version__,
        "example": {"index": example, "label": test_labels[example],
                    "class": classes[example]},
        "training": {
            "model": "MLPClassifier(hidden_layer_sizes=(32,), activation='relu', solver='adam')",
            "float_input": "pixel / 16",
            "alpha": alpha,
            "alpha_cv": cv,
            "iterations": int(model.n_iter_),
            "numpy_version": np.__version__,
        },
        "quantization": {
            "w1_scale": float(f"{q['s1']:.6g}"),
            "hidden_scale": float(f"{q['s1'] / q['divisor']:.6g}"),
            "w2_scale": float(f"{q['s2']:.6g}"),
            "b1_offset": q["divisor"] // 2,
            "output_scale": float(f"{q['s1'] * q['s2'] / q['divisor']:.6g}"),
            "divisor_search": divisor_search,
            "train_integer_accuracy": round(train_int_acc, 4),
            "test_agreement_with_float": round(agreement, 4),
        },
    }

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "model.json").write_text(dump_model(m))
    (args.out / "test_split.json").write_text(dump_test_split(test_inputs, test_labels))
    (args.out / "example_input.json").write_text(
        '{"input": ' + json.dumps(test_inputs[example], separators=(", ", ": ")) + "}\n")

    # Read back what was written and recompute from the files alone.
    mj = json.loads((args.out / "model.json").read_text())
    tj = json.loads((args.out / "test_split.json").read_text())
    ej = json.loads((args.out / "example_input.json").read_text())
    check_ranges(mj)
    re_classes = [int_classify(mj, x) for x in tj["inputs"]]
    re_acc = sum(c == l for c, l in zip(re_classes, tj["labels"])) / len(tj["labels"])
    assert round(re_acc, 4) == mj["integer_accuracy"]
    assert int_classify(mj, ej["input"]) == mj["example"]["class"] == mj["example"]["label"]

    print(f"alpha {alpha:g}, {int(model.n_iter_)} iterations", file=sys.stderr)
    print(f"train {len(y_tr)}, test {len(y_te)}", file=sys.stderr)
    print(f"float accuracy   {float_acc:.4f}", file=sys.stderr)
    print(f"integer accuracy {int_acc:.4f} (train {train_int_acc:.4f}, "
          f"agrees with float on {agreement:.4f} of test)", file=sys.stderr)
    print(f"divisor {q['divisor']}, W1 scale {q['s1']:.6g} per raw-pixel weight, "
          f"W2 scale {q['s2']:.6g}", file=sys.stderr)
    print(f"example: test index {example}, label {test_labels[example]}, "
          f"class {classes[example]}", file=sys.stderr)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("note: run through train.sh (one BLAS thread) for reproducible output",
              file=sys.stderr)
    sys.exit(main())
