"""lecturekit: the helpers behind the notebooks of the lecture "parameter sharing".

Import the module you need, e.g. ``from lecturekit import recurrence``. The package, one module
per idea (the arrows between them are checked by ``tests/test_architecture.py``):

Math (numpy / torch; no drawing, no widgets)
    ``sharing``      a value used in several places: copy forward, sum backward (notebook 01)
    ``motifs``       motif signals and images, planting a motif, the one ``shift``, local maxima
    ``hyper``        hypernetworks w = H(u) for a sine family; Ha, Dai & Le's static hypernetwork
    ``recurrence``   recurrence matrices from eigenvalues, roll-outs, gradient norms through time (02)
    ``clipping``     gradient clipping (Pascanu et al., Algorithm 1) and the loss cliff (03)
    ``tricks``       leaky integration, initialisations, the propagation regulariser, the LSTM self-loop (03)
    ``odes``         Euler and RK4 steps, a tiny neural ODE (03)
    ``cells``        RNN, GRU and LSTM cells from the lecture's equations, ``unroll`` (04)
    ``bptt``         the LSTM over a sequence, with back-propagation through time written out (04)
    ``gates``        notebook 04's experiments: gradient flow, the two GRU conventions, the adding-problem models
    ``tasks``        the adding problem
    ``seq2seq``      encoder, decoder, additive attention (05)
    ``translation``  decoding, evaluating and training them on a task; the notebook's training recipes (05)
    ``dates``, ``digits``  two seeded toy translation tasks (05)
    ``conv``         cross-correlation and convolution, 1-D and 2-D, their backward pass, output sizes (06)
    ``wiring``       which input feeds which output, stacks, receptive fields (07)
    ``pooling``      max, average, L_p and log-sum-exp pooling, and where their gradient goes (08)
    ``invariance``   invariance and equivariance, measured (06, 08)
    ``train``        one training loop; ``one_thread``, ``seeded``, ``count_parameters``

Drawing: ``plots`` (one module per topic; ``plots.common`` for what every topic uses).
Dashboards: ``widgets`` (``widgets.dashboard.Dashboard``, the control specs in ``widgets.controls``,
every dashboard listed once in ``widgets.registry``). Exercises: ``exercises`` (one module per
notebook; the comparisons in ``exercises.judge``).
"""

__version__ = "0.1.0"
