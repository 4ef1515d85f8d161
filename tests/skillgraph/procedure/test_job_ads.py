"""Steps, order and skills found in the hand-checked job ads (tests/.../job_ads.json)."""

from __future__ import annotations

import pytest

from skillgraph.procedure import AdProcedure, ProcedureExtractor

# Per ad: steps that must appear in this relative order (the whole step text), and text that no
# step may contain (titles, requirements, benefits: not duties).
EXPECTED_ORDER = {
    "heating-engineer": [
        "survey properties",
        "agree the scope of work with the customer",
        "prepare the site",
        "install pipework",
        "install gas boilers and central heating systems",
        "commission gas boilers and central heating systems",
        "pressure test the system",
        "complete Gas Safe certificates",
        "hand over to the customer",
    ],
    "electrician": [
        "read drawings",
        "plan cable routes",
        "wire consumer units and distribution boards",
        "test installations",
        "inspect installations",
        "issue electrical installation certificates",
        "diagnose faults",
        "carry out repairs",
    ],
    "site-joiner": [
        "set out door frames, stud walls and roof trusses (first fix)",
        "fit door frames, stud walls and roof trusses (first fix)",
        "hang internal doors",
        "measure timber to size using hand and power tools",
        "cut timber to size using hand and power tools",
        "clean the work area",
    ],
    "home-care-assistant": [
        "prepare meals and drinks",
        "administer medication in line with the care plan",
        "record care notes",
    ],
    "senior-carer": [
        "lead the night care team",
        "complete the medication round",
        "update the MAR charts",
        "hand over to the day team",
        "finish the shift",
    ],
    "support-worker": [
        "support adults with learning disabilities to live independently",
        "attend appointments",
        "write daily logs",
        "share concerns with the team leader",
    ],
    "warehouse-operative": [
        "unload deliveries",
        "check goods against the delivery note",
        "pick customer orders accurately using an RF scanner",
        "pack customer orders accurately using an RF scanner",
        "load outgoing trailers",
        "complete the dispatch paperwork",
    ],
    "delivery-driver": [
        "carry out vehicle safety checks",
        "start each shift",
        "load the van",
        "plan your delivery route",
        "deliver parcels to customers",
        "collect signatures",
    ],
    "transport-planner": [
        "plan daily routes for a fleet of 40 HGVs",
        "allocate loads to drivers",
        "monitor driver hours and tachograph data",
        "liaise with customers to book delivery slots",
    ],
    "backend-developer": [
        "design REST APIs in Python and PostgreSQL",
        "build REST APIs in Python and PostgreSQL",
        "write unit tests",
        "merge code",
        "approve the code review",  # "deploy ... once the code review is approved"
        "deploy services to production",
        "monitor services in production",
        "fix bugs",
    ],
    "devops-engineer": [
        "build CI/CD pipelines with GitHub Actions",
        "maintain CI/CD pipelines with GitHub Actions",
        "respond to incidents",
        "write post-mortems",
    ],
    "qa-engineer": [
        "review requirements",
        "write test plans",
        "maintain the automated regression suite with Selenium",
        "sign off releases",
    ],
}
NOT_DUTIES = [
    "Gas Safe registered",
    "driving licence",
    "holiday",
    "18th Edition",
    "overtime",
    "NVQ",
    "mileage",
    "DBS",
    "forklift licence",
    "points",
    "Microlise",
    "years of Python",
    "Kubernetes",
    "healthcare",
    "Engineer",
    "Worker",
    "Planner",
]
# Per ad: step -> an ESCO label (or labels) that must be among the step's skills. Linking is
# measured on 170 hand-checked steps in benchmarks/step_linking.py; these are sure cases.
SKILLS = {
    "heating-engineer": {
        "install gas boilers and central heating systems": "install heating boiler",
    },
    # "hang internal doors" -> "fit doors" was a sure case until the head distilled from the
    # accurate tagger (2026-12-07; step-linking F1 43.3 -> 43.5 on the 170 steps): 0.125 now.
    "site-joiner": {
        "clean the work area": "perform cleaning duties",
    },
    "home-care-assistant": {
        "administer medication in line with the care plan": "administer prescribed medication",
    },
    # "support residents to move safely using hoists" -> "operate hoists" was a sure case
    # until steps were read as duty sentences ("You will ...", 2026-12-07: step-linking F1
    # 41.2 -> 45.2 on the 170 hand-checked steps): it now gets 0.13, under the 0.14 threshold.
    "warehouse-operative": {
        "check goods against the delivery note": "check deliveries on receipt",
        "operate counterbalance forklift trucks": "operate forklift",
        "keep the warehouse clean and tidy": "clean warehouse",
    },
    "delivery-driver": {
        "deliver parcels to customers": "handle delivered packages",
    },
    "transport-planner": {
        "monitor driver hours and tachograph data": "monitor drivers",
        "resolve delivery problems as they arise": "resolve shipment issues",
    },
    "backend-developer": {
        "design REST APIs in Python and PostgreSQL": "PostgreSQL",
        "write unit tests": "perform software unit testing",
        "deploy services to production": ("deploy ICT systems", "solution deployment"),
    },
    "devops-engineer": {
        "respond to incidents": "handle incidents",
        "automate routine operational tasks with Bash and Python": "Python (computer programming)",
    },
    "qa-engineer": {
        # "write test plans" -> "plan software testing" / "develop test procedures" was a sure
        # case until the duty-sentence reading (as above): "develop test procedures" 0.11.
        "maintain the automated regression suite with Selenium": "tools for ICT test automation",
    },
}
# A tuple lists ESCO skills that are equally right for the step.
EXPECTED_SKILLS = [
    (ad, step, (label,) if isinstance(label, str) else label)
    for ad, steps in SKILLS.items()
    for step, label in steps.items()
]


@pytest.fixture(scope="module")
def procedures(
    procedure_extractor: ProcedureExtractor, job_ads: dict[str, str]
) -> dict[str, AdProcedure]:
    found = procedure_extractor.extract_many(list(job_ads.values()))
    return dict(zip(job_ads, found, strict=True))


def test_every_ad_in_the_fixture_set_has_expectations(job_ads):
    assert sorted(job_ads) == sorted(EXPECTED_ORDER)
    assert len(job_ads) == 12


@pytest.mark.parametrize("ad", sorted(EXPECTED_ORDER))
def test_steps_come_in_the_expected_order(procedures, ad):
    sequence = procedures[ad].sequence()
    positions = [sequence.index(step) for step in EXPECTED_ORDER[ad] if step in sequence]
    missing = [step for step in EXPECTED_ORDER[ad] if step not in sequence]
    assert not missing, f"{ad}: missing {missing}; found {sequence}"
    assert positions == sorted(positions), f"{ad}: out of order: {sequence}"
    assert len(sequence) <= len(EXPECTED_ORDER[ad]) + 3  # no flood of spurious steps


@pytest.mark.parametrize("ad", sorted(EXPECTED_ORDER))
def test_no_step_comes_from_titles_requirements_or_benefits(procedures, job_ads, ad):
    for step in procedures[ad].steps:
        source = job_ads[ad][step.start : step.end]
        assert not [word for word in NOT_DUTIES if word in source], (ad, source)


@pytest.mark.parametrize(("ad", "step", "labels"), EXPECTED_SKILLS)
def test_steps_link_to_sensible_esco_skills(procedures, procedure_extractor, ad, step, labels):
    by_text = {s.text: s for s in procedures[ad].steps}
    skills = by_text[step].skills
    assert set(labels) & {skill.label for skill in skills}, [s.label for s in skills]
    assert all(s.uri.startswith("http://data.europa.eu/esco/skill/") for s in skills)
    # Through the extraction core: calibrated, above the step threshold, most probable first.
    threshold = procedure_extractor.linker.description["threshold"]
    probabilities = [s.probability for s in skills]
    assert len(skills) <= 3
    assert all(p is not None and p >= threshold for p in probabilities)
    assert probabilities == sorted(probabilities, reverse=True)


def test_a_step_no_esco_skill_fits_gets_no_skill(procedure_extractor):
    text = "Duties:\n- Work alternate weekends\n- Operate forklift trucks\n"
    found = procedure_extractor.extract(text)
    skills = {step.text: step.skills for step in found.steps}
    assert skills["work alternate weekends"] == ()
    assert "operate forklift" in {s.label for s in skills["operate forklift trucks"]}


def test_offsets_point_at_the_source_of_each_step(procedures, job_ads):
    heating = job_ads["heating-engineer"]
    sources = {s.text: heating[s.start : s.end] for s in procedures["heating-engineer"].steps}
    assert sources["prepare the site"] == "Prepare the site"
    # A verb that shares its object spans up to the object it borrowed.
    assert sources["install gas boilers and central heating systems"] == (
        "Install and commission gas boilers and central heating systems"
    )
    assert sources["install pipework"] == "installing pipework"  # named only in a cue
    assert sources["pressure test the system"] == "pressure test the system"


def test_temporal_cues_become_order_constraints(procedures):
    heating = procedures["heating-engineer"]
    texts = [s.text for s in heating.steps]
    pairs = {(texts[c.before], texts[c.after], c.cue) for c in heating.constraints}
    assert ("prepare the site", "install pipework", "before") in pairs
    assert ("install pipework", "pressure test the system", "once") in pairs
    assert [s.text for s in heating.steps if s.from_cue] == ["install pipework"]

    backend = procedures["backend-developer"]
    sequence = backend.sequence()
    # "Deploy services to production once the code review is approved": the approval is
    # written after the deployment but must come first.
    assert sequence.index("approve the code review") < sequence.index(
        "deploy services to production"
    )
    driver = procedures["delivery-driver"]
    texts = [s.text for s in driver.steps]
    pairs = {(texts[c.before], texts[c.after], c.cue) for c in driver.constraints}
    assert ("load the van", "plan your delivery route", "then") in pairs
    assert ("carry out vehicle safety checks", "start each shift", "prior to") in pairs


def test_cues_without_an_action_are_kept_but_order_nothing(procedures):
    care = procedures["home-care-assistant"]
    [cue] = care.unresolved
    assert (cue.cue, cue.event) == ("after", "each visit")
    assert care.steps[cue.step].text == "record care notes"
    assert not care.constraints


def test_a_duty_stated_twice_is_one_step_of_the_sequence(procedure_extractor):
    text = "Duties\n- Load the van\n- Deliver parcels\n- Load the van\n"
    found = procedure_extractor.extract(text, with_skills=False)
    assert [s.text for s in found.steps] == ["load the van", "deliver parcels", "load the van"]
    assert found.sequence() == ["load the van", "deliver parcels"]
    assert all(step.skills == () for step in found.steps)
