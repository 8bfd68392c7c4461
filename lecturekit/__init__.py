"""lecturekit: the helpers behind the notebooks of the lecture "parameter sharing".

Math modules (numpy / torch, no drawing): ``recurrence``, ``cells``, ``seq2seq``, ``conv``,
``pooling``, ``hyper``, ``tasks``, ``train``. Drawing: ``plots``. Dashboards: ``widgets``.
Self-checking exercises: ``exercises``. Import the module you need, e.g.
``from lecturekit import recurrence``.
"""

__version__ = "0.1.0"
