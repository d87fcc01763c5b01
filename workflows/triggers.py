"""The workflows behind the proactive triggers, for the worker to register."""

from workflows.customer_contacts import CustomerContactsWorkflow
from workflows.major_incident import IncidentWatchWorkflow, MajorIncidentWorkflow

TRIGGER_WORKFLOWS = (CustomerContactsWorkflow, IncidentWatchWorkflow, MajorIncidentWorkflow)
