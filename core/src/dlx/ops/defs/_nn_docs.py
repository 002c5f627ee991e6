"""Documentation text of the one-argument activations ``defs/nn.py`` registers through its
``_act`` helper (their docstrings are assembled there, so their sections and examples live here)."""

# the sections of the one-argument activations whose summary does not give its own
_ACT_SECTIONS = """

Arguments:
    x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

Returns:
    A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).
"""


# The Example section of each activation defined by _act (run by the docstring tests).
_ACT_EXAMPLES = {
    'relu': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.relu(np.array([-1.0, 0.0, 2.0]))\n'
        'array([0., 0., 2.])\n'
        '>>> ops.relu(np.array([-3, 4]))\n'
        'array([0, 4])\n'
    ),
    'relu6': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.relu6(np.array([-1.0, 3.0, 8.0]))\n'
        'array([0., 3., 6.])\n'
    ),
    'sigmoid': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.sigmoid(np.array([-1.0, 0.0, 2.0])), 4)\n'
        'array([0.2689, 0.5   , 0.8808])\n'
    ),
    'softplus': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.softplus(np.array([-1.0, 0.0, 2.0])), 4)\n'
        'array([0.3133, 0.6931, 2.1269])\n'
    ),
    'softsign': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.softsign(np.array([-1.0, 0.0, 3.0]))\n'
        'array([-0.5 ,  0.  ,  0.75])\n'
    ),
    'silu': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.silu(np.array([-1.0, 0.0, 2.0])), 4)\n'
        'array([-0.2689,  0.    ,  1.7616])\n'
    ),
    'log_sigmoid': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.log_sigmoid(np.array([-1.0, 0.0, 2.0])), 4)\n'
        'array([-1.3133, -0.6931, -0.1269])\n'
    ),
    'hard_sigmoid': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.hard_sigmoid(np.array([-4.0, 0.0, 1.0, 4.0])), 4)\n'
        'array([0.    , 0.5   , 0.6667, 1.    ])\n'
    ),
    'hard_silu': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.hard_silu(np.array([-1.0, 0.0, 1.0, 4.0])), 4)\n'
        'array([-0.3333,  0.    ,  0.6667,  4.    ])\n'
    ),
    'mish': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.mish(np.array([-1.0, 0.0, 2.0])), 4)\n'
        'array([-0.3034,  0.    ,  1.944 ])\n'
    ),
}
