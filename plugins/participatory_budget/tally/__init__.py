"""Participatory-budget tally engine: pabulib files in, funded projects out.

Pure Python (standard library only) so that it runs anywhere: in the web application, in a
worker, or on a researcher's laptop. Amounts are exact (``int`` or ``fractions.Fraction``).

>>> from plugins.participatory_budget.tally import loads, tally
>>> election = loads('''META
... key;value
... budget;100
... vote_type;approval
... rule;greedy
... PROJECTS
... project_id;cost
... a;60
... b;50
... c;40
... VOTES
... voter_id;vote
... 1;a,b
... 2;a,c
... 3;b
... ''')
>>> tally(election).selected  # the file's rule: greedy
['a', 'c']
>>> tally(election, "mes").selected  # a and b tie; the smaller id wins
['a']
>>> tally(election, "mes", sat="cardinality", completion="add1").selected
['b', 'c']
"""

from .completion import COMPLETIONS
from .election import Ballot, Election, Project
from .numbers import Amount
from .pabulib import PabulibError, dump, dumps, load, load_meta, loads
from .rules import RULES, TallyResult, rule_from_meta, tally
from .scores import TIE_BREAKINGS, TallyError, approval_counts, project_scores
from .support import SATISFACTIONS

__all__ = [
    "COMPLETIONS",
    "RULES",
    "SATISFACTIONS",
    "TIE_BREAKINGS",
    "Amount",
    "Ballot",
    "Election",
    "PabulibError",
    "Project",
    "TallyError",
    "TallyResult",
    "approval_counts",
    "dump",
    "dumps",
    "load",
    "load_meta",
    "loads",
    "project_scores",
    "rule_from_meta",
    "tally",
]
