"""Emberflow's word count as a standalone PySpark job.

Exported by Emberflow's "Export as PySpark", with the page's settings built in. Usage:

    spark-submit wordcount.py INPUT...

Each INPUT is a file or a folder (all the files under it), on any file system Spark reads. The job
prints `word<TAB>count` lines to standard output as UTF-8 whatever the locale, count descending, then
word in UTF-16 code-unit order: byte for byte what Emberflow's "Download results" saves for the same
files. It needs PySpark and Python's standard library only.

Exactly as Emberflow: each file is read as UTF-8 with a leading byte order mark dropped and ill-formed
sequences replaced by U+FFFD, then cut into lines at '\\n' (tokens never cross a line). The character
classes, JavaScript's toLowerCase and its \\s are the exporting browser's own, embedded below as
code-point tables, because Python's Unicode tables (the `re` module's \\s and \\w, str.lower) are
those of its own Unicode version and differ from JavaScript's.
"""

import re
import sys
from bisect import bisect_right
from operator import add

from pyspark import SparkConf, SparkContext

# @GENERATED@


def _contains(ranges, cp):
    """Whether cp is in a flat list of half-open ranges (start, end, start, end, ...)."""
    return bisect_right(ranges, cp) & 1 == 1


def _class_body(pairs):
    return "".join("\\U%08x-\\U%08x" % (a, b - 1) for a, b in pairs)


def _one_of(ranges, below=0x110000):
    """A regex matching one code point of the ranges (those below `below`). Python's re looks a class up
    in a table only while it holds no code point above U+FFFF, and otherwise tries its ranges one by one:
    so the BMP part is one class and the rest another, tried only for a code point above U+FFFF."""
    pairs = [(a, min(b, below)) for a, b in zip(ranges[::2], ranges[1::2]) if a < below]
    bmp = [(a, min(b, 0x10000)) for a, b in pairs if a < 0x10000]
    astral = [(max(a, 0x10000), b) for a, b in pairs if b > 0x10000]
    parts = ["[%s]" % _class_body(bmp)] if bmp else []
    if astral:
        parts.append("(?=[\\U00010000-\\U0010ffff])[%s]" % _class_body(astral))
    return "(?:%s)" % "|".join(parts) if parts else "(?!)"


def _lower_table():
    table = {}
    for i in range(0, len(LOWER_RUNS), 4):
        start, count, stride, delta = LOWER_RUNS[i : i + 4]
        for k in range(count):
            table[start + k * stride] = start + k * stride + delta
    table.update(LOWER_SPECIAL)
    return table


LOWER = _lower_table()
CAPITAL_SIGMA = "\u03a3"


def _cased_beside(text, i, step):
    """Final_Sigma's context: the first character from i in direction step that is not case-ignorable
    is cased. Case-ignorable is tested first, as ICU (the browser's toLowerCase) does."""
    i += step
    while 0 <= i < len(text):
        cp = ord(text[i])
        if not _contains(CASE_IGNORABLE, cp):
            return _contains(CASED, cp)
        i += step
    return False


def to_lower_case(text):
    """JavaScript's String.prototype.toLowerCase."""
    if text.isascii():
        return text.lower()
    pieces = text.split(CAPITAL_SIGMA)
    out = [pieces[0].translate(LOWER)]
    at = len(pieces[0])
    for piece in pieces[1:]:
        final = _cased_beside(text, at, -1) and not _cased_beside(text, at, 1)
        out.append("\u03c2" if final else "\u03c3")
        out.append(piece.translate(LOWER))
        at += 1 + len(piece)
    return "".join(out)


if TOKENIZER == "words":

    def _token_regex(below):
        word = _one_of(WORD_CHARS, below)
        return re.compile("%s+(?:[%s]%s+)*" % (word, re.escape(APOSTROPHES), word))

    _TOKEN = _token_regex(0x110000)
    # An ASCII line holds only ASCII: the same token regex, cut down to ASCII, is much faster.
    _ASCII_TOKEN = _token_regex(0x80)

    def tokens(line):
        if line.isascii():
            return _ASCII_TOKEN.findall(line.lower())
        return _TOKEN.findall(to_lower_case(line))

else:
    # JavaScript's \s holds no code point above U+FFFF, so this class is a table lookup.
    _TOKEN = re.compile("[^%s]+" % _class_body(zip(SPACE[::2], SPACE[1::2])))

    def tokens(line):
        return _TOKEN.findall(line)


BOM = b"\xef\xbb\xbf"


def file_tokens(path_and_bytes):
    data = path_and_bytes[1]
    if data.startswith(BOM):
        data = data[3:]
    for line in data.split(b"\n"):
        # Python's replacement of ill-formed UTF-8 is the WHATWG decoder's: one U+FFFD per maximal subpart.
        yield from tokens(line.decode("utf-8", "replace"))


def result_order(word_count):
    """Count descending, then the word by UTF-16 code units, as JavaScript compares strings."""
    word, count = word_count
    return (-count, word.encode("utf-16-be"))


def main(args):
    if not args:
        sys.stderr.write("usage: spark-submit wordcount.py INPUT...  (files or folders)\n")
        return 2
    conf = SparkConf().setAppName("Emberflow word count (%s)" % TOKENIZER)
    # Folders are read with all the files under them, as when they are dropped on Emberflow's page.
    conf.set("spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive", "true")
    sc = SparkContext(conf=conf)
    try:
        sc.setLogLevel("WARN")
        # binaryFiles keeps the bytes, so decoding is Emberflow's, not Hadoop's. A file is one record:
        # INPUT_SPLITS is the minimum number of partitions the files are grouped into (Emberflow also cuts
        # large files at line boundaries; the counts are the same either way).
        files = sc.binaryFiles(",".join(args), minPartitions=INPUT_SPLITS)
        counts = files.flatMap(file_tokens).map(lambda w: (w, 1)).reduceByKey(add, SHUFFLE_PARTITIONS)
        rows = counts.sortBy(result_order, numPartitions=SHUFFLE_PARTITIONS).collect()
    finally:
        sc.stop()
    out = sys.stdout.buffer
    for start in range(0, len(rows), 4096):
        out.write("".join("%s\t%d\n" % row for row in rows[start : start + 4096]).encode("utf-8"))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
