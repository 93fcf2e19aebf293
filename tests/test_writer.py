"""indexer/writer.py: the segment files Whoosh's own SegmentWriter writes, byte for byte,
from held-out news pages and from generated documents (many blocks, long gaps, accents),
and postings blocks in another pickle protocol that Whoosh reads as its own."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import fields as wf
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from indexer import build, schema, writer
from tests.conftest import WHOOSH_BLOCK_POSTINGS, block_protocols, make_raw

WORDS = ("the", "The", "union", "Unión", "niños", "NIÑOS", "contract", "contracts", "ICE",
         "Amazon's", "U.S.", "2019", "données", "straße", "Ærø", "trabajadores", "a", "de")


def segment_files(writer_class, records: list[dict], sch=None, spill_at=()
                  ) -> dict[str, bytes]:
    """The files of one segment written by `writer_class` from `records`, by name with the
    segment's random id taken out. Whoosh's writer pickles its blocks as ours does. Ours
    spills its postings to a file before each record whose place is in spill_at."""
    with tempfile.TemporaryDirectory() as d:
        ix = whoosh_index.create_in(d, sch or schema.build_schema())
        w = writer.use_our_blocks(writer_class(ix, _lk=False, compound=False))
        for n, record in enumerate(records):
            if n in spill_at:
                w.spill()
            w.add_document(**record)
        segment = w._finalize_segment()
        files = {p.name.replace(segment.segid, "SEG"): p.read_bytes()
                 for p in Path(d).iterdir() if segment.segid in p.name}
        ix.close()
    assert files
    return files


def assert_same_segment(records: list[dict], sch=None, spill_at=()) -> None:
    ours = segment_files(writer.SegmentWriter, records, sch, spill_at)
    whoosh = segment_files(WhooshSegmentWriter, records, sch)
    assert sorted(ours) == sorted(whoosh)
    for name in whoosh:
        assert ours[name] == whoosh[name], name


def record(n: int, text: str, lang: str = "en", title: str = "") -> dict:
    """An index record as schema.record_fields makes them, without preparing a document."""
    day = dt.datetime(2018 + n % 3, 1 + n % 12, 1 + n % 28)
    out = {"record": "doc", "doc_id": f"d{n}", "id": f"d{n}", "body": text,
           schema.text_field(lang): text, "text_exact": text, "language": lang,
           schema.pair_field(schema.text_field(lang)): text,
           "outlet": f"Outlet {n % 7}", "outlet_text": f"Outlet {n % 7}",
           "organizations": "Amazon,ICE" if n % 2 else "Palantir", "org_text": "Amazon\nICE",
           "year": str(day.year), "month": f"{day.year}-{day.month:02d}", "date": day,
           "date_start": day, "date_end": day, "sort_newest": n, "sort_oldest": -n,
           "translated": bool(n % 3), "content_hash": f"h{n}"}
    if title:
        out.update(title=title, title_exact=title, **{schema.title_field(lang): title})
    return out


def test_held_out_news_pages_are_written_as_whoosh_writes_them(shared_pages, resources):
    records = []
    for page in sorted(p for p in shared_pages.iterdir() if (p / "truth.json").is_file()):
        source = next(page.glob("source.*"))
        raw = make_raw(source.read_bytes(), "html" if source.suffix == ".html" else "text",
                       doc_id=page.name)
        records += schema.record_fields(build.prepare(raw, resources))
    assert len(records) > 20
    languages = {r["language"] for r in records}
    assert {"en", "es", "de"} <= languages  # stemmed fields of several languages
    assert_same_segment(records)


def many_blocks(n: int = 300) -> list[dict]:
    """A word in n documents (three blocks of postings of 128 at 300), a document where one
    word comes 400 times and another only after 300 words (positions past one byte)."""
    rng = random.Random(5)
    records = [record(k, " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 40))),
                      lang=rng.choice(["en", "es", "de", "xx"]),
                      title=rng.choice(["", "Union contract", "Los niños"]))
               for k in range(n)]
    records.append(record(n, "the " * 400 + "lonely " + "x " * 300 + "lonely"))
    return records


def blocks_of(size: int) -> list[dict]:
    """many_blocks with its common words in several blocks of `size` postings."""
    return many_blocks(300 * size // WHOOSH_BLOCK_POSTINGS)


def test_many_blocks_long_gaps_and_repeated_words(block_postings):
    assert_same_segment(blocks_of(block_postings))


def postings_read_by_whoosh(folder: str, writer_class, records: list[dict], merge=False):
    """Every term of an index written by `writer_class` (in two segments merged into one
    if `merge`) as Whoosh's reader gives it: its statistics, then each posting's document,
    weight and value; and how many blocks are pickled in each protocol."""
    Path(folder).mkdir()
    ix = whoosh_index.create_in(folder, schema.build_schema())
    if merge:
        half = len(records) // 2
        for part in (records[:half], records[half:]):
            w = writer_class(ix, compound=False)
            for r in part:
                w.add_document(**r)
            w.commit(merge=False)
        writer_class(ix, compound=False).commit(optimize=True)  # (add_reader, then merged)
    else:
        w = writer_class(ix, compound=False)
        for r in records:
            w.add_document(**r)
        w.commit()
    out = {}
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 1
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            m = reader.postings(fieldname, text)
            items = []
            while m.is_active():
                items.append((m.id(), m.weight(), m.value()))
                m.next()
            out[fieldname, text] = (info.doc_frequency(), info.weight(), info.min_length(),
                                    info.max_length(), info.max_weight(), items)
        protocols = block_protocols(reader)
    ix.close()
    return out, protocols


@pytest.mark.parametrize("merge", [False, True])
def test_whoosh_reads_our_blocks_as_those_of_its_own_writer(tmp_path, merge, block_postings):
    """Our writer's blocks (and those of segments it merges) hold block_postings postings,
    pickled in protocol 4; Whoosh's 128, in 2; Whoosh's reader reads the same terms,
    statistics and postings from both."""
    records = blocks_of(block_postings)
    ours, ours_protocols = postings_read_by_whoosh(str(tmp_path / "ours"),
                                                   writer.SegmentWriter, records, merge)
    whoosh, whoosh_protocols = postings_read_by_whoosh(str(tmp_path / "whoosh"),
                                                       WhooshSegmentWriter, records, merge)
    assert len(ours) > 500 and ours == whoosh

    def blocks(size: int) -> int:
        return sum(-(-len(postings) // size) for *_, postings in ours.values())

    assert ours_protocols == {writer.BLOCK_PROTOCOL: blocks(block_postings)}
    assert whoosh_protocols == {2: blocks(WHOOSH_BLOCK_POSTINGS)}
    assert max(len(postings) for *_, postings in ours.values()) > 2 * block_postings


def test_postings_made_objects_a_window_at_a_time_change_nothing(monkeypatch):
    rng = random.Random(6)
    records = [record(n, " ".join(rng.choice(WORDS) for _ in range(30))) for n in range(150)]
    monkeypatch.setattr(writer, "WINDOW", 7)  # smaller than a common word's postings
    assert_same_segment(records)


def test_postings_spilled_to_files_are_written_as_if_kept(monkeypatch):
    """A writer that moved its postings to files (three times, one of them with nothing
    new since the last) writes the segment Whoosh's writer does, and deletes the files
    (segment_files takes every file of the segment, so one left would show)."""
    records = many_blocks()
    assert_same_segment(records, spill_at={1, 120, 121, 299, 300})
    monkeypatch.setattr(writer, "WINDOW", 5)  # read back a few postings at a time
    assert_same_segment(records[:80], spill_at={20, 40})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.tuples(st.text(st.sampled_from(list("aeiou .ÑsnUt")), max_size=40),
                                st.sampled_from(["en", "es", "xx"])), min_size=1, max_size=10),
       spill_at=st.sets(st.integers(0, 10), max_size=4))
def test_spilling_anywhere_changes_nothing(texts, spill_at):
    assert_same_segment([record(n, text, lang, title=text[:5])
                         for n, (text, lang) in enumerate(texts)], spill_at=spill_at)


def test_a_cancelled_writer_deletes_its_spilled_postings(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), schema.build_schema())
    w = writer.SegmentWriter(ix, compound=False)
    for n, r in enumerate(many_blocks()[:40]):
        w.add_document(**r)
        if n % 10 == 9:
            w.spill()
    spilled = sorted(p.name for p in tmp_path.glob("*.postings.tmp"))
    assert len(spilled) == 4 and w.pool_bytes() == 0
    w.cancel()
    assert not list(tmp_path.glob("*.tmp"))
    ix.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.tuples(st.text(st.sampled_from(list("aeiouáéñçßÆ .'’-1\nUSNst")),
                                        max_size=60),
                                st.sampled_from(["en", "es", "fr", "de", "pt", "xx"])),
                      min_size=1, max_size=12))
def test_generated_documents_are_written_as_whoosh_writes_them(texts):
    assert_same_segment([record(n, text, lang, title=text[:10])
                         for n, (text, lang) in enumerate(texts)])


def test_fields_analysed_another_way_go_through_whoosh():
    """A stemming analyzer of Whoosh's own, and our analyzer without positions: the writer
    leaves their analysis to Whoosh and still writes what Whoosh writes."""
    sch = wf.Schema(id=wf.ID(stored=True), other=wf.TEXT(analyzer=StemmingAnalyzer()),
                    plain=wf.TEXT(analyzer=schema.analyzer("en"), phrase=False),
                    ours=wf.TEXT(analyzer=schema.analyzer("es"), phrase=True),
                    tags=wf.KEYWORD(commas=True, scorable=True), n=wf.NUMERIC(stored=True))
    assert writer.analysis_language(sch["ours"]) == "es"
    assert writer.analysis_language(sch["other"]) is writer._NOT_OURS
    assert writer.analysis_language(sch["plain"]) is writer._NOT_OURS  # no positions
    assert writer.analysis_language(sch["tags"]) is writer._NOT_OURS
    rng = random.Random(7)
    records = []
    for n in range(200):
        text = " ".join(rng.choice(WORDS) for _ in range(20))
        records.append({"id": f"d{n}", "other": text, "plain": text, "ours": text,
                        "tags": ",".join(rng.sample(["a", "b b", "c"], 2)), "n": n})
    assert_same_segment(records, sch)


@pytest.mark.parametrize("memo", [3, writer.MEMO_VALUES])
def test_values_analysed_once_per_value_change_nothing(monkeypatch, memo):
    """Repeated values (dates, facets, numbers) are analysed once; values equal in Python
    but of other types (1, 1.0, True) each get their own postings; a memo that fills up and
    starts again (memo=3) writes the same files."""
    sch = wf.Schema(id=wf.ID(stored=True), n=wf.NUMERIC(float, stored=True),
                    flag=wf.BOOLEAN(), when=wf.DATETIME(), tag=wf.ID(),
                    tags=wf.KEYWORD(commas=True))
    monkeypatch.setattr(writer, "MEMO_VALUES", memo)
    rng = random.Random(8)
    records = []
    for n in range(120):
        value = rng.choice([1, 1.0, True, 0, 2.5])
        records.append({"id": f"d{n}", "n": value, "flag": rng.choice([True, False, 1, 0]),
                        "when": dt.datetime(2019, 1 + n % 3, 1 + n % 2),
                        "tag": rng.choice(["a", "b", "A"]), "tags": rng.choice(["a,b", "b"])})
    assert_same_segment(records, sch)
    w = writer.SegmentWriter(whoosh_index.create_in(tempfile.mkdtemp(), sch), _lk=False)
    for r in records:
        w.add_document(**r)
    assert 0 < len(w._memo) <= memo
    w.cancel()


def test_our_fields_are_recognised():
    sch = schema.build_schema()
    for lang in schema.STEMMED_LANGUAGES:
        assert writer.analysis_language(sch[f"text_{lang}"]) == lang
        assert writer.analysis_language(sch[f"title_{lang}"]) == lang
    for name in ("text_exact", "title_exact", "text_xx", "quote_exact", "author"):
        assert writer.analysis_language(sch[name]) is None
    for name in ("outlet", "organizations", "date", "id"):
        assert writer.analysis_language(sch[name]) is writer._NOT_OURS
    for name in schema.STEMMED_TEXT_FIELDS:
        pairs = sch[schema.pair_field(name)]
        assert writer.analysis_language(pairs) is writer._NOT_OURS
        language, common = writer.pair_analysis(pairs)
        assert language == writer.analysis_language(sch[name])
        assert common == schema.common_terms(language)
        assert writer.pair_analysis(sch[name]) is None


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.sampled_from(list("aeiouyáéíñçßÄöœ É.-'’_1 \n\tstrngUSA#")),
                    max_size=120),
       lang=st.sampled_from(["en", "es", "fr", "de", "pt", None]),
       boost=st.sampled_from([1.0, 2.0, 0.5]))
def test_word_values_are_those_of_whoosh_positions_format(text, lang, boost):
    fmt = formats.Positions(field_boost=boost)
    whoosh = sorted(fmt.word_values(text, schema.analyzer(lang)))
    assert sorted(writer.word_values(text, lang, boost)) == whoosh


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.sampled_from(list("aeiouyáéíñçßÄöœ É.-'’_1 \n\tstrngUSA#")),
                    max_size=120),
       extra=st.lists(st.sampled_from(["the", "of", "de", "la", "und", "le", "a", "ICE"]),
                      max_size=8),
       lang=st.sampled_from(["en", "es", "fr", "de", "pt", None]))
def test_pair_values_are_those_of_whoosh_positions_format(text, extra, lang):
    text = " ".join([text, *extra, text])  # common words among the others
    fmt = formats.Positions()
    whoosh = sorted(fmt.word_values(text, schema.pair_analyzer(lang)))
    language, common = writer.pair_analysis(wf.FieldType(fmt, schema.pair_analyzer(lang)))
    assert language == lang
    assert sorted(writer.pair_values(writer.text_terms(text, lang), common, 1.0)) == whoosh


def test_a_schema_with_spelling_or_vectors_is_refused(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), wf.Schema(t=wf.TEXT(vector=True)))
    with pytest.raises(ValueError, match="vectors"):
        writer.SegmentWriter(ix, _lk=False)
    ix.close()


def test_memory_estimate_grows_with_postings():
    with tempfile.TemporaryDirectory() as d:
        ix = whoosh_index.create_in(d, schema.build_schema())
        w = writer.SegmentWriter(ix, _lk=False, compound=False)
        before = w.pool_bytes()
        w.add_document(**record(1, "words " * 50 + " ".join(WORDS)))
        one = w.pool_bytes()
        w.add_document(**record(2, "words " * 50 + " ".join(WORDS)))
        assert before == 0 < one < w.pool_bytes()
        w.cancel()
        ix.close()

