"""Open issues (idempotent on the id), list and filter them, read one and its timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth import Caller, Permission, require
from api.deps import Gateway, IssueId, RequestId
from api.errors import responses
from api.paging import decode_page_token, encode_page_token
from api.schemas import IssueList, IssueTimeline, ListQuery, OpenedIssue
from domain.issue import Issue
from domain.view import IssueSummary

router = APIRouter(tags=["issues"])


@router.post("/issues", status_code=201, response_model=OpenedIssue, summary="Open an issue",
             responses={200: {"model": OpenedIssue, "description": "the same issue was opened before: nothing new"},
                        **responses(401, 403, 409, 413, 422, 502, 503, 504)})
async def open_issue(issue: Issue, response: Response, gateway: Gateway, request_id: RequestId,
                     caller: Caller = require(Permission.open)) -> OpenedIssue:
    """Start the issue's workflow. The same body again answers 200 and starts nothing; a different body for an
    existing id answers 409."""
    result = await gateway.run(lambda c: c.open(issue, actor=caller.name, request_id=request_id))
    url = f"/issues/{issue.id}"
    response.status_code = 201 if result.created else 200
    response.headers["Location"] = url
    return OpenedIssue(id=result.issue_id, workflow_id=result.workflow_id, created=result.created, url=url,
                       timeline_url=f"{url}/timeline")


@router.get("/issues", response_model=IssueList, summary="List and filter issues",
            responses=responses(401, 403, 422, 502, 503, 504))
async def list_issues(gateway: Gateway, query: Annotated[ListQuery, Query()],
                      _caller: Caller = require(Permission.read)) -> IssueList:
    """Issues from Temporal visibility (search attributes), most recently started run first. Visibility trails
    the workflows by a moment: an issue opened or changed just now may show its previous values briefly."""
    token = decode_page_token(query.next_page_token)
    page = await gateway.run(lambda c: c.list_issues(query.issue_filter(), page_size=query.page_size,
                                                     next_page_token=token))
    return IssueList(items=page.items, next_page_token=encode_page_token(page.next_page_token))


@router.get("/issues/{issue_id}", response_model=IssueSummary, summary="An issue's current state",
            responses=responses(401, 403, 404, 422, 502, 503, 504))
async def get_issue(issue_id: IssueId, gateway: Gateway, _caller: Caller = require(Permission.read)) -> IssueSummary:
    """Status, level, owner, deadlines, paused or not, what the customer was last told."""
    return await gateway.run(lambda c: c.summary(issue_id))


@router.get("/issues/{issue_id}/timeline", response_model=IssueTimeline, summary="An issue's story",
            responses=responses(401, 403, 404, 422, 502, 503, 504))
async def get_timeline(issue_id: IssueId, gateway: Gateway,
                       _caller: Caller = require(Permission.read)) -> IssueTimeline:
    """Every event in order, with actor, time, level and the request id that caused it."""
    return IssueTimeline(id=issue_id, entries=await gateway.run(lambda c: c.timeline(issue_id)))
