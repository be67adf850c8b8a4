"""The benchmark of design.md §8 and issue 14, on PostgreSQL: ``make benchmark`` (or this file with the venv's python).

It measures as production runs: DEBUG off, TESTING off (persistent database connections, the manifest static
storage after ``collectstatic``), gunicorn with 2 sync workers, 4 concurrent clients. Over plain HTTP on the
loopback, the TLS settings an operator turns off behind a proxy are off, and the accounts sign in with a password
only (two-factor enrolment has its own tests).

Every figure is read against floors measured in the same round, because the machine is shared: ``/healthz`` (no
work), the authenticated floor (``/accessibilite/`` signed in: session, user and base layout, nothing else) and the
Django admin changelist of the same rows. Pages are measured in rounds; the report gives each ratio's median.

The run is a list of steps (``STEPS``): each is one function taking the ``Bench`` and returning the lines of its
section of docs/benchmarks.md. Adding a measure is adding a function to that list. ``OPTIONAL_STEPS`` names modules
whose ``benchmark_step(bench)`` is run when the module exists (the projection scenario: ``projections.bench``).

No new dependency: threads and http.client.
"""

import argparse
import datetime
import http.client
import importlib
import itertools
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/secpa_bench"
# As production, over plain HTTP on the loopback (the values an operator sets behind a TLS proxy).
SERVER_ENV = {
    "DEBUG": "false",
    "TESTING": "false",
    "SECRET_KEY": "benchmark-only-" + "0123456789abcdef" * 3,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "REQUIRE_2FA_FOR_STAFF": "false",
    "EMAIL_URL": "memorymail://",
    "AXES_ENABLED": "true",
    "LOG_LEVEL": "ERROR",
}
WORKERS = 2
CLIENTS = 4
WARM_UP = 5
EXPORT_ROWS = 50_000
ADMIN_EMAIL = "bench.admin@volume.secpa.example"
# The hand-written analysis below this heading survives a new run of the benchmark.
ANALYSIS = "## Analyse"
TARGETS = {"p95_ms": 50, "x_admin": 3.0, "x_floor": 0.25, "export_x_copy": 2.0}
COMPUTE_TARGETS = {1000: None, 5000: 5.0, 20000: 20.0}
# Steps a later issue adds when its module exists: ``benchmark_step(bench) -> list[str]``.
OPTIONAL_STEPS = ["projections.bench"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--structures", type=int, default=5000, help="Structures of the pages' data set.")
    parser.add_argument("--requests", type=int, default=60, help="Requests per page and round (after a warm-up).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--campaign-sizes",
        default="1000,5000,20000",
        help="Structures of each campaign computed (each its own database; empty: none).",
    )
    parser.add_argument(
        "--campaign-database",
        default="{name}_{n}",
        help="Database name of each campaign size ({name}: the pages' database; its own size reuses it).",
    )
    parser.add_argument("--quick", action="store_true", help="A smoke of the script: 50 structures, one round.")
    parser.add_argument("--skip", default="", help="Comma-separated steps to leave out (pages, export, campaign).")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--note", default="", help="A sentence added to the document.")
    parser.add_argument("--measure-compute", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.structures, args.requests, args.rounds, args.campaign_sizes = 50, 10, 1, "50"
    args.campaign_sizes = [int(n) for n in args.campaign_sizes.split(",") if n.strip()]
    args.skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    return args


def server_env(url) -> dict:
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def setup_django(url):
    os.environ.update({k: v for k, v in server_env(url).items() if k != "LOG_LEVEL"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "secpa_portal.settings"
    import django

    django.setup()


def psql(url, sql):
    maintenance = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    return subprocess.run(
        ["psql", maintenance, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def ensure_database(url):
    """Create the database when it does not exist yet (through the server's maintenance database)."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        psql(url, f'CREATE DATABASE "{name}"')


def load_data(structures) -> float:
    """Migrate, then load the volume data set of ``structures`` unless it is there already; returns seconds."""
    from django.core.management import call_command

    from secpa_portal.site import volume

    call_command("migrate", verbosity=0)
    seeded = volume.volume_structures().count()
    started = time.perf_counter()
    if seeded != structures:
        call_command("seed_volume", structures=structures, force=True, reset=seeded != 0)
    else:
        # A kept data set may just have been migrated (a column filled, an index built): statistics and the
        # visibility map as autovacuum would leave them, as after a fresh load.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- HTTP -----------------------------------------------------------------------------------------------------


class Session:
    """A signed-in user: cookies kept from the login, one new connection per request (gunicorn sync workers)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, data

    def login(self, email, password):
        status, page = self.request("GET", "/compte/connexion/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": password})
        status, _ = self.request(
            "POST",
            "/compte/connexion/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Login failed for {email} (HTTP {status}).")
        return self


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collectstatic(url):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=server_env(url), check=True
    )


def start_gunicorn(url):
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "secpa_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(url),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Session(port).request("GET", "/healthz")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s.")


def measure(session, path, requests) -> dict:
    """req/s and latencies (ms) of ``requests`` GETs by CLIENTS concurrent threads, after a warm-up."""
    for _ in range(WARM_UP):
        status, _body = session.request("GET", path)
        if status != 200:
            raise SystemExit(f"{path} answered HTTP {status}.")
    latencies, errors, lock = [], [], threading.Lock()

    def one(_):
        started = time.perf_counter()
        status, body = session.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors.append(status)
        return len(body)

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        sizes = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{path}: {len(errors)} errors ({errors[:3]}).")
    return {
        "rps": requests / wall,
        "p50": statistics.median(latencies),
        "p95": statistics.quantiles(latencies, n=100, method="inclusive")[94],
        "kb": statistics.mean(sizes) / 1024,
    }


# --- The run ---------------------------------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    url: str
    port: int | None = None
    sessions: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)  # what the report's header says (data set, loads…)

    def database_url(self, name) -> str:
        return urllib.parse.urlsplit(self.url)._replace(path=f"/{name}").geturl()


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # the session's key
    path: str
    admin: str | None = None  # the admin changelist of the same rows (its label in ``ADMIN_PAGES``)


MANAGER = "gestionnaire"  # the session of the volume's manager with the most unread messages


def pages(ars_region) -> tuple[list[Page], dict[str, str]]:
    """The measured pages, and the admin changelists they are compared with."""
    admin = {
        "structures": "/admin/structures/structure/",
        "structures, recherche": "/admin/structures/structure/?q=Centre&status=eligible",
        "structures, page 100 de 25 lignes": "/admin/structures/structure/?p=25",
        "conventions": "/admin/conventions/convention/",
        "rapports annuels": "/admin/conventions/annualreport/",
        "dotations": "/admin/dotations/dotation/",
        "versements": "/admin/dotations/payment/",
        "messages": "/admin/messaging/message/",
    }
    listed = [
        ("Liste des structures", "/structures/", "structures"),
        ("Structures, recherche et filtre", "/structures/?q=Centre&status=eligible", "structures, recherche"),
        ("Structures, page 100", "/structures/?page=100", "structures, page 100 de 25 lignes"),
        ("Liste des conventions", "/conventions/", "conventions"),
        ("Liste des rapports annuels", "/conventions/rapports/", "rapports annuels"),
        ("Liste des dotations", "/financements/dotations/", "dotations"),
        ("Liste des versements", "/financements/versements/", "versements"),
        ("Tableau de bord", "/tableau-de-bord/", None),
    ]
    result = [Page(label, "CNAM", path, admin_key) for label, path, admin_key in listed]
    result += [
        Page(label, f"ARS {ars_region}", path, admin_key)
        for label, path, admin_key in listed
        if "page 100" not in label and "recherche" not in label
    ]
    # The inbox: the CNAM agent takes no part in the files' threads of the volume data set, its managers and ARS
    # agents do.
    result += [
        Page("Liste des messages non lus", who, "/messages/", "messages") for who in (f"ARS {ars_region}", MANAGER)
    ]
    return result, admin


def step_pages(bench) -> list[str]:
    from secpa_portal.accounts.demo import DEMO_PASSWORD
    from secpa_portal.accounts.models import User
    from secpa_portal.site import volume

    args = bench.args
    ars, manager = bench.facts["ars"], bench.facts["manager"]
    admin_user, _ = User.objects.get_or_create(email=ADMIN_EMAIL, defaults={"is_staff": True, "is_superuser": True})
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.set_password(DEMO_PASSWORD)
    admin_user.save()
    sessions = {
        "anonyme": Session(bench.port),
        "CNAM": Session(bench.port).login(volume.CNAM_EMAIL, DEMO_PASSWORD),
        f"ARS {ars.region_id}": Session(bench.port).login(ars.email, DEMO_PASSWORD),
        MANAGER: Session(bench.port).login(manager.email, DEMO_PASSWORD),
        "admin": Session(bench.port).login(ADMIN_EMAIL, DEMO_PASSWORD),
    }
    bench.sessions = sessions
    measured, admin_pages = pages(ars.region_id)
    rounds = []
    for number in range(1, args.rounds + 1):
        load = loadavg()
        figures = {"healthz": measure(sessions["anonyme"], "/healthz", args.requests)}
        for who in ("CNAM", f"ARS {ars.region_id}", MANAGER, "admin"):
            figures[f"floor {who}"] = measure(sessions[who], "/accessibilite/", args.requests)
        for label, path in admin_pages.items():
            figures[f"admin {label}"] = measure(sessions["admin"], path, args.requests)
        for page in measured:
            figures[(page.label, page.who)] = measure(sessions[page.who], page.path, args.requests)
        rounds.append({"load": load, "figures": figures})
        print(f"Round {number}/{args.rounds} done (load {load}).")
    bench.facts["rounds_load"] = [r["load"] for r in rounds]

    def ratio(page, key):
        values = []
        for r in rounds:
            f = r["figures"]
            mine = f[(page.label, page.who)]
            if key == "healthz":
                values.append(mine["rps"] / f["healthz"]["rps"])
            elif key == "floor":
                values.append(mine["rps"] / f[f"floor {page.who}"]["rps"])
            elif key == "admin" and page.admin:
                values.append(mine["rps"] / f[f"admin {page.admin}"]["rps"])
        return statistics.median(values) if values else None

    def median(key, metric):
        return statistics.median(r["figures"][key][metric] for r in rounds)

    lines = [
        "## Pages",
        "",
        f"gunicorn, {WORKERS} workers synchrones, DEBUG et TESTING désactivés (connexions persistantes, "
        f"`CONN_MAX_AGE` = 60 s), {CLIENTS} clients simultanés (threads, une connexion HTTP par requête) ; "
        f"{args.rounds} tours, {args.requests} requêtes par page et par tour après {WARM_UP} de chauffe. Dans "
        "chaque tour, chaque page est rapportée aux planchers et à la liste de l'admin Django (100 lignes par page, "
        "superutilisateur) mesurés dans le même tour ; le tableau donne la médiane des tours. Objectifs : "
        f"≥ {TARGETS['x_admin']:g}× l'admin, ≥ {TARGETS['x_floor']:g}× le plancher authentifié, p95 ≤ "
        f"{TARGETS['p95_ms']} ms où la machine le permet.",
        "",
        "Planchers (médianes des tours) :",
        "",
        "| Plancher | req/s | p50 (ms) | p95 (ms) |",
        "|---|---:|---:|---:|",
        f"| `/healthz` (sans travail) | {median('healthz', 'rps'):.0f} | {median('healthz', 'p50'):.1f} | "
        f"{median('healthz', 'p95'):.1f} |",
    ]
    for who in ("CNAM", f"ARS {ars.region_id}", MANAGER, "admin"):
        key = f"floor {who}"
        lines.append(
            f"| `/accessibilite/` connecté ({who}) | {median(key, 'rps'):.0f} | {median(key, 'p50'):.1f} | "
            f"{median(key, 'p95'):.1f} |"
        )
    for label, path in admin_pages.items():
        key = f"admin {label}"
        lines.append(
            f"| admin : {label} (`{path}`) | {median(key, 'rps'):.0f} | {median(key, 'p50'):.1f} | "
            f"{median(key, 'p95'):.1f} |"
        )
    lines += [
        "",
        "| Page | Utilisateur | req/s | p50 (ms) | p95 (ms) | Ko | × `/healthz` | × plancher authentifié | × admin | "
        "objectifs (admin, plancher) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in measured:
        key = (page.label, page.who)
        x_floor, x_admin = ratio(page, "floor"), ratio(page, "admin")
        verdicts = [
            "—" if x_admin is None else ("oui" if x_admin >= TARGETS["x_admin"] else "**non**"),
            "oui" if x_floor >= TARGETS["x_floor"] else "**non**",
        ]
        lines.append(
            f"| {page.label} (`{page.path}`) | {page.who} | {median(key, 'rps'):.0f} | {median(key, 'p50'):.1f} | "
            f"{median(key, 'p95'):.1f} | {median(key, 'kb'):.0f} | {ratio(page, 'healthz'):.2f} | {x_floor:.2f} | "
            f"{'—' if x_admin is None else f'{x_admin:.2f}'} | {', '.join(verdicts)} |"
        )
    lines += ["", "Charge moyenne (1, 5, 15 min) au début de chaque tour : " + " ; ".join(bench.facts["rounds_load"])]
    return lines


def export_rows(user, year, limit):
    from conventions import exports
    from conventions.enums import ReportStatus

    return itertools.islice(exports.value_rows(user, year=year, statuses=(ReportStatus.VALIDATED,)), limit)


def stream_export(user, year, limit):
    """Consume the real CSV stream of ``limit`` rows; returns (seconds, rows)."""
    from conventions import exports

    rows = 0
    started = time.perf_counter()
    for _chunk in exports.stream_csv(export_rows(user, year, limit)):
        rows += 1
    return time.perf_counter() - started, rows - 1


def peak_memory(user, year, limit):
    tracemalloc.start()
    stream_export(user, year, limit)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def export_sql(user, year, limit):
    """The SQL of the export's rows, taken from the query the real function runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        next(export_rows(user, year, 1))
    sql = next(q["sql"] for q in queries.captured_queries if "reportvalue" in q["sql"].lower())
    sql = re.sub(r"^\s*DECLARE .*? CURSOR .*?FOR ", "", sql, flags=re.S)
    return " ".join(sql.split()) + f" LIMIT {limit}"


def measure_copy(url, sql):
    started = time.perf_counter()
    subprocess.run(
        ["psql", url, "-qc", f"\\copy ({sql}) TO '/dev/null' WITH (FORMAT csv, DELIMITER ';', HEADER)"], check=True
    )
    return time.perf_counter() - started


def step_export(bench) -> list[str]:
    from secpa_portal.accounts.models import User
    from secpa_portal.site import volume

    cnam = User.objects.get(email=volume.CNAM_EMAIL)
    year = volume.YEAR - 2
    session = bench.sessions.get("CNAM")
    if session is None and bench.port:
        from secpa_portal.accounts.demo import DEMO_PASSWORD

        session = Session(bench.port).login(volume.CNAM_EMAIL, DEMO_PASSWORD)
    http_seconds = http_rows = None
    if session is not None:
        started = time.perf_counter()
        status, body = session.request("GET", f"/conventions/rapports/atteinte/export.csv?annee={year}")
        http_seconds = time.perf_counter() - started
        if status != 200:
            raise SystemExit(f"The export answered HTTP {status}.")
        http_rows = body.count(b"\r\n") - 1
    load = loadavg()
    copy_seconds = measure_copy(bench.url, export_sql(cnam, year, EXPORT_ROWS))
    seconds, rows = stream_export(cnam, year, EXPORT_ROWS)
    copy_again = measure_copy(bench.url, export_sql(cnam, year, EXPORT_ROWS))
    copy = statistics.mean([copy_seconds, copy_again])  # before and after: the same load on both sides
    small_seconds, _rows = stream_export(cnam, year, 10_000)
    peak, small_peak = peak_memory(cnam, year, EXPORT_ROWS), peak_memory(cnam, year, 10_000)
    flat = peak <= 2 * small_peak + 1
    lines = [
        "## Export CSV de 50 000 lignes",
        "",
        f"Valeurs d'indicateurs des rapports validés de {year} (`conventions.exports.value_rows` puis `stream_csv`, "
        "les fonctions de la vue `conventions:national_export`), agent CNAM ; plancher : `psql \\copy` de la même "
        f"requête (moyenne d'une mesure avant et d'une après). Charge au début : {load}.",
        "",
        "| Mesure | Lignes | Durée (s) | × `psql \\copy` | Pic mémoire Python (Mo) |",
        "|---|---:|---:|---:|---:|",
        f"| Fonctions de l'export, flux CSV consommé | {fr(rows)} | {seconds:.2f} | {seconds / copy:.2f} | "
        f"{peak:.1f} |",
        f"| Mêmes fonctions, 10 000 lignes (pour juger la mémoire) | 10 000 | {small_seconds:.2f} | — | "
        f"{small_peak:.1f} |",
    ]
    if http_seconds is not None:
        lines.append(
            f"| Vue `/conventions/rapports/atteinte/export.csv` via gunicorn (toute l'année) | {fr(http_rows)} | "
            f"{http_seconds:.2f} | — | — |"
        )
    lines += [
        f"| `psql \\copy` (LIMIT {EXPORT_ROWS}) vers /dev/null | {fr(EXPORT_ROWS)} | {copy:.2f} | 1 | — |",
        "",
        f"Mémoire plate : {'oui' if flat else '**non**'} (lignes lues par paquets de 2 000 avec un curseur serveur). "
        "Le pic est mesuré avec `tracemalloc` dans une exécution séparée de celle qui est chronométrée.",
    ]
    return lines


def measure_compute_here() -> dict:
    """In the worker process (``--measure-compute``): the whole campaign through the real compute service."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conventions.models import Convention
    from dotations.models import Campaign
    from dotations.services import compute
    from secpa_portal.accounts.models import User
    from secpa_portal.site import volume

    campaign = Campaign.objects.get(year=volume.YEAR)
    user = User.objects.get(email=volume.CNAM_EMAIL)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = compute.run_compute(campaign_id=campaign.pk, user_id=user.pk)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "queries": len(queries.captured_queries),
        "counts": counts,
        "conventions": Convention.objects.filter(status="active").count(),
        "batch": compute.BATCH_SIZE,
    }


def step_campaign(bench) -> list[str]:
    args = bench.args
    pages_db = urllib.parse.urlsplit(bench.url).path.lstrip("/")
    lines = [
        "## Calcul d'une campagne",
        "",
        "`dotations.services.compute.run_compute` sur la campagne du jeu de volume, chaque taille dans sa propre base "
        "(un processus par taille ; requêtes comptées avec `CaptureQueriesContext`). Les dotations proposées ou "
        "approuvées (40 %) sont laissées telles quelles. Objectifs : ≤ 5 s à 5 000 structures, ≤ 20 s à 20 000.",
        "",
        "| Structures | Conventions en vigueur | Dotations calculées | laissées | Durée (s) | Requêtes SQL | "
        "par lot de 500 | charge au début | objectif |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for n in args.campaign_sizes:
        name = pages_db if n == args.structures else args.campaign_database.format(name=pages_db, n=n)
        url = bench.database_url(name)
        ensure_database(url)
        load = loadavg()
        output = subprocess.run(
            [sys.executable, __file__, "--measure-compute", "--structures", str(n)],
            env={**server_env(url), "BENCH_DATABASE_URL": url},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if output.returncode != 0:
            raise SystemExit(f"Computing at {n} structures failed:\n{output.stderr[-3000:]}")
        result = json.loads(output.stdout.strip().splitlines()[-1])
        counts, target = result["counts"], COMPUTE_TARGETS.get(n)
        batches = max(1, -(-result["conventions"] // result["batch"]))
        verdict = "—" if target is None else ("oui" if result["seconds"] <= target else "**non**")
        print(f"Compute at {n}: {result['seconds']:.1f} s, {result['queries']} queries.")
        lines.append(
            f"| {fr(n)} | {fr(result['conventions'])} | {fr(counts['computed'])} | {fr(counts['skipped'])} | "
            f"{result['seconds']:.1f} | {result['queries']} | {result['queries'] / batches:.1f} | {load} | {verdict} |"
        )
    return lines


STEPS = [("pages", step_pages), ("export", step_export), ("campaign", step_campaign)]


def projection_step(module):
    """The projection scenario (issue 13): ``projections.bench.measure(n)`` over each campaign size, on the pages'
    database (it adds ``n`` structures in a transaction it rolls back)."""

    def step(bench) -> list[str]:
        lines = [
            "## Scénario de projection",
            "",
            "`projections.bench.measure(n)` : n structures éligibles ajoutées puis retirées, un scénario de 5 ans ; "
            "durée et requêtes de `projections.compute.results`.",
            "",
            "| Structures ajoutées | Structures éligibles en tout | Durée (s) | Requêtes SQL | charge au début |",
            "|---:|---:|---:|---:|---|",
        ]
        for n in bench.args.campaign_sizes:
            load = loadavg()
            figures = module.measure(n)
            print(f"Projection with {n} more structures: {figures}")
            lines.append(
                f"| {fr(n)} | {fr(figures['structures'])} | {figures['seconds']:.1f} | {figures['queries']} | {load} |"
            )
        return lines

    return step


def optional_steps() -> list:
    """Each module of ``OPTIONAL_STEPS`` that exists: its ``benchmark_step(bench)``, or for the projections'
    ``measure(n)``, :func:`projection_step`."""
    found = []
    for name in OPTIONAL_STEPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        step = getattr(module, "benchmark_step", None) or projection_step(module)
        found.append((name.split(".")[0], step))
    return found


# --- Report -------------------------------------------------------------------------------------------------


def fr(number) -> str:
    return f"{number:,}".replace(",", "\u202f")


def machine() -> dict:
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    git = ["git", "-C", str(ROOT)]
    return {
        "nproc": os.cpu_count(),
        "ram_gb": int(memory) / 1024 / 1024,
        "cpu": cpu,
        "postgres": subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip(),
        "commit": subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
        "dirty": bool(subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True).stdout.strip()),
    }


def write_report(path, bench, sections, started_at, load_before):
    m, facts = machine(), bench.facts
    lines = [
        "# Benchmarks",
        "",
        "Mesuré par `make benchmark` (`scripts/benchmark.py`) ; ce fichier est réécrit à chaque exécution, sauf "
        "l'analyse en fin de fichier.",
        "",
        f"- Date : {started_at} (UTC) ; code : commit `{m['commit']}`"
        + (" (avec des modifications non commitées)" if m["dirty"] else "")
        + ".",
        f"- Machine : {m['nproc']} processeurs ({m['cpu']}), {m['ram_gb']:.1f} Go de mémoire ; {m['postgres']} sur "
        f"la même machine ; Python {platform.python_version()}.",
        "- **Machine partagée** avec d'autres sessions qui lancent leurs tests : les chiffres absolus sont bruités, "
        "les rapports aux planchers du même tour le sont moins. Charge moyenne (1, 5, 15 min) au début : "
        f"{load_before}, à la fin : {loadavg()}.",
        f"- Données des pages et de l'export : `seed_volume --structures {bench.args.structures}` — "
        f"{facts['counts']}.",
    ]
    if bench.args.note:
        lines.append(f"- Note : {bench.args.note}")
    for section in sections:
        lines += ["", *section]
    lines += [
        "",
        "## Relancer",
        "",
        "```",
        "make benchmark                                   # 5 000 structures, base secpa_bench (+ _1000, _20000)",
        "make benchmark BENCH_ARGS='--campaign-sizes 1000,5000 --rounds 2'",
        "make benchmark BENCH_ARGS='--quick'              # 50 structures, un tour : vérifie le script",
        "```",
        "",
    ]
    previous = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
    kept = previous[previous.index(ANALYSIS) :] if ANALYSIS in previous else ""
    Path(path).write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")


def main():
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    ensure_database(url)
    setup_django(url)
    if args.measure_compute:
        load_data(args.structures)
        print(json.dumps(measure_compute_here(), default=str))
        return
    from django.db.models import Count

    from conventions.models import AnnualReport, Convention, ReportValue
    from dotations.models import Dotation, DotationLine, Payment
    from secpa_portal.accounts.enums import Role
    from secpa_portal.accounts.models import User
    from secpa_portal.messaging.models import Message, Unread
    from secpa_portal.site import volume

    bench = Bench(args=args, url=url)
    seconds = load_data(args.structures)
    print(f"Data set ready ({seconds:.0f} s).")
    busiest = volume.volume_structures().values("region").annotate(n=Count("pk")).order_by("-n", "region")[0]["region"]
    bench.facts["ars"] = User.objects.get(email=f"ars.{busiest}@{volume.VOLUME_DOMAIN}")
    bench.facts["manager"] = (
        User.objects.filter(role=Role.MANAGER, email__endswith="@" + volume.VOLUME_DOMAIN)
        .order_by("-unread_messages", "email")
        .first()
    )
    bench.facts["counts"] = (
        f"{fr(volume.volume_structures().count())} structures, {fr(Convention.objects.count())} conventions, "
        f"{fr(AnnualReport.objects.count())} rapports annuels, {fr(ReportValue.objects.count())} valeurs "
        f"d'indicateurs, {fr(Dotation.objects.count())} dotations, {fr(DotationLine.objects.count())} lignes de "
        f"dotation, {fr(Payment.objects.count())} versements, {fr(Message.objects.count())} messages "
        f"({fr(Unread.objects.count())} non lus par un participant ; {fr(bench.facts['ars'].unread_messages)} pour "
        f"l'agent ARS mesuré, {fr(bench.facts['manager'].unread_messages)} pour le gestionnaire)"
    )
    started_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    load_before = loadavg()
    steps = [(name, function) for name, function in [*STEPS, *optional_steps()] if name not in args.skip]
    sections = []
    process = None
    try:
        if any(name in ("pages", "export") for name, _ in steps):
            collectstatic(url)
            process, bench.port = start_gunicorn(url)
        for name, function in steps:
            print(f"Step {name}…")
            sections.append(function(bench))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    write_report(args.output, bench, sections, started_at, load_before)
    print(f"Wrote {args.output}.")


if __name__ == "__main__":
    if not shutil.which("psql"):
        raise SystemExit("psql is needed (the export's floor is a psql \\copy).")
    main()
