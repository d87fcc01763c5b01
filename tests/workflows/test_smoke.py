from datetime import timedelta

from domain.events import Acknowledge
from domain.state import Status
from tests.conftest import make_issue


async def test_open_breach_escalates(ts, time_env):
    issue = make_issue()
    await ts.issues.open(issue)
    s = await ts.issues.summary(issue.id)
    assert s.level == "l1"
    await time_env.sleep(timedelta(minutes=11))
    s = await ts.issues.summary(issue.id)
    assert s.level == "l2", s
    s = await ts.issues.act(issue.id, Acknowledge(actor="sam"))
    assert s.status is Status.acknowledged
    st = await ts.issues.state(issue.id)
    for e in st.timeline:
        print(e.at, e.kind, e.summary)
    print(ts.outbox.messages(issue.id))
