/* budgetpdf.extract._text_lines: page_text.chars_to_text_lines and prose.chars_to_lines in C.
 *
 * The Python functions are the specification, and stay: this module is
 * optional (a machine without a compiler installs without it, and
 * BUDGETPDF_PURE_PYTHON=1 turns it off).  Each function here takes its twin's
 * steps in the same order:
 *
 *   text_lines(chars, TextLine)   characters grouped by uprightness as they come;
 *       each group's lines by clustering top (x0 for rotated text), sorted stably
 *       along the line; words split at blanks and gaps; the words clustered into
 *       lines by top in the order they came.
 *   prose_lines(chars, ProseLine) the characters with text sorted stably by their
 *       middle, each joining the row before when they overlap enough; each row
 *       sorted stably by x0, spaces where the gaps are wide.
 *
 * Every position returned is one of the characters' own or made by Python's own
 * operations in Python's order (one rounding each: built with -ffp-contract=off),
 * and a min or max keeps the first of equals as min() and max() do, which
 * matters for -0.0.  Whatever it cannot read exactly as Python does (a list item
 * that is not a dict, a position that is not a float or is NaN, upright not a
 * bool, text not a str, a missing key) makes it return NotImplemented, and
 * Python does it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#define TEXT_LINES_VERSION 2
#define TOLERANCE 3.0 /* page_text._TOLERANCE: pdfplumber's default x_tolerance and y_tolerance */
#define FIRST_LIGATURE 0xFB00
#define LIGATURES 7 /* U+FB00 to U+FB06, as page_text._LIGATURES spells them out */

static PyObject *K_UPRIGHT, *K_TEXT, *K_X0, *K_X1, *K_TOP, *K_BOTTOM, *K_SIZE, *K_FONTNAME, *EMPTY, *SPACE;
static PyObject *LIGATURE_TEXT[LIGATURES];

typedef struct {
    double x0, x1, top, bottom;
    PyObject *text; /* borrowed from the character's dict */
    int upright;
} glyph;

typedef struct {
    PyObject *text; /* owned */
    double x0, top, x1, bottom;
} word;

/* a sort key: what to sort by, and the position in the input that makes the sort stable */
typedef struct {
    Py_ssize_t major; /* the cluster, when sorting along lines */
    double value, minor;
    Py_ssize_t index;
} keyed;

/* a goes before b; no two keys tie (their indexes differ), so any sort by this is the stable one */
static inline int before(const keyed *a, const keyed *b)
{
    if (a->major != b->major)
        return a->major < b->major;
    if (a->value != b->value)
        return a->value < b->value;
    if (a->minor != b->minor)
        return a->minor < b->minor;
    return a->index < b->index;
}

/* Sorts keys[0:n] (spare as long): a merge sort of the runs already in order.  A page's characters
   come mostly in reading order, nearly sorted, which this sorts in a pass or two. */
static void sort_keys(keyed *keys, Py_ssize_t n, keyed *spare)
{
    keyed *from = keys, *to = spare;
    if (n < 2)
        return;
    for (;;) {
        for (Py_ssize_t start = 0; start < n;) {
            Py_ssize_t middle = start + 1;
            while (middle < n && before(&from[middle - 1], &from[middle]))
                middle++;
            if (start == 0 && middle == n) { /* one run: sorted */
                if (from != keys)
                    memcpy(keys, from, sizeof(keyed) * (size_t)n);
                return;
            }
            Py_ssize_t end = middle < n ? middle + 1 : n;
            while (end < n && before(&from[end - 1], &from[end]))
                end++;
            Py_ssize_t i = start, j = middle, k = start; /* from[start:middle] and from[middle:end] merged */
            while (i < middle && j < end)
                to[k++] = before(&from[j], &from[i]) ? from[j++] : from[i++];
            while (i < middle)
                to[k++] = from[i++];
            while (j < end)
                to[k++] = from[j++];
            start = end;
        }
        keyed *merged = to;
        to = from, from = merged;
    }
}

/* The working memory of one call, as long as its characters: keys to sort (and the sort's spare),
   values to cluster, cluster numbers, the characters in order, and the pieces of a text to join. */
typedef struct {
    keyed *keys, *spare;
    double *values;
    Py_ssize_t *cluster, *order;
    PyObject **parts; /* borrowed; twice as long, for the spaces between */
} scratch;

static int scratch_alloc(scratch *s, Py_ssize_t n)
{
    size_t slots = (size_t)n + 1; /* PyMem_Malloc(0) may return NULL */
    s->keys = PyMem_Malloc(sizeof(keyed) * slots), s->spare = PyMem_Malloc(sizeof(keyed) * slots);
    s->values = PyMem_Malloc(sizeof(double) * slots);
    s->cluster = PyMem_Malloc(sizeof(Py_ssize_t) * slots), s->order = PyMem_Malloc(sizeof(Py_ssize_t) * slots);
    s->parts = PyMem_Malloc(sizeof(PyObject *) * 2 * slots);
    if (s->keys && s->spare && s->values && s->cluster && s->order && s->parts)
        return 0;
    PyErr_NoMemory();
    return -1;
}

static void scratch_free(scratch *s)
{
    PyMem_Free(s->keys), PyMem_Free(s->spare), PyMem_Free(s->values), PyMem_Free(s->cluster), PyMem_Free(s->order), PyMem_Free(s->parts);
}

/* sep.join(parts[0:n]), n > 0, without a list to hold the parts: a new reference */
static PyObject *joined(PyObject *const *parts, Py_ssize_t n, PyObject *sep)
{
    if (n == 1)
        return Py_NewRef(parts[0]);
    Py_ssize_t sep_length = PyUnicode_GET_LENGTH(sep), length = sep_length * (n - 1);
    Py_UCS4 widest = PyUnicode_MAX_CHAR_VALUE(sep); /* the widest kind, as join picks it */
    for (Py_ssize_t k = 0; k < n; k++) {
        length += PyUnicode_GET_LENGTH(parts[k]);
        if (PyUnicode_MAX_CHAR_VALUE(parts[k]) > widest)
            widest = PyUnicode_MAX_CHAR_VALUE(parts[k]);
    }
    PyObject *text = PyUnicode_New(length, widest);
    if (text == NULL)
        return NULL;
    for (Py_ssize_t k = 0, at = 0; k < n; k++) {
        if (k > 0 && sep_length > 0) {
            if (PyUnicode_CopyCharacters(text, at, sep, 0, sep_length) < 0)
                goto error;
            at += sep_length;
        }
        Py_ssize_t part_length = PyUnicode_GET_LENGTH(parts[k]);
        if (PyUnicode_CopyCharacters(text, at, parts[k], 0, part_length) < 0)
            goto error;
        at += part_length;
    }
    return text;
error:
    Py_DECREF(text);
    return NULL;
}

/* page_text._clusters: each value's cluster number (the sorted distinct values, each within the
   tolerance of the one before, share a cluster) in s->cluster, of the n values in s->values. */
static void cluster_numbers(scratch *s, Py_ssize_t n)
{
    keyed *work = s->keys;
    Py_ssize_t *cluster = s->cluster;
    for (Py_ssize_t k = 0; k < n; k++)
        work[k] = (keyed){0, s->values[k], 0.0, k};
    sort_keys(work, n, s->spare);
    Py_ssize_t c = 0;
    double last = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        double value = work[k].value;
        if (k == 0)
            last = value;
        else if (value != last) { /* the next distinct value */
            if (value > last + TOLERANCE)
                c++;
            last = value;
        }
        cluster[work[k].index] = c;
    }
}

static int float_item(PyObject *dict, PyObject *key, double *out)
{
    PyObject *v = PyDict_GetItemWithError(dict, key);
    if (v == NULL || !PyFloat_CheckExact(v))
        return -1;
    *out = PyFloat_AS_DOUBLE(v);
    return Py_IS_NAN(*out) ? -1 : 0;
}

/* the character's fields, or -1 where one is missing or not what Python computes with exactly */
static int read_glyph(PyObject *c, glyph *g)
{
    if (!PyDict_CheckExact(c))
        return -1;
    PyObject *upright = PyDict_GetItemWithError(c, K_UPRIGHT), *text = PyDict_GetItemWithError(c, K_TEXT);
    if (upright == NULL || !PyBool_Check(upright) || text == NULL || !PyUnicode_CheckExact(text))
        return -1;
    g->upright = upright == Py_True;
    g->text = text;
    if (float_item(c, K_X0, &g->x0) < 0 || float_item(c, K_X1, &g->x1) < 0 || float_item(c, K_TOP, &g->top) < 0 ||
        float_item(c, K_BOTTOM, &g->bottom) < 0)
        return -1;
    return 0;
}

/* s.isspace(): all whitespace, and not empty */
static int is_space(PyObject *s)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < length; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    return length > 0;
}

/* page_text._LIGATURES.get(text, text): borrowed */
static PyObject *spelled_out(PyObject *text)
{
    if (PyUnicode_GET_LENGTH(text) == 1) {
        Py_UCS4 ch = PyUnicode_READ_CHAR(text, 0);
        if (ch >= FIRST_LIGATURE && ch < FIRST_LIGATURE + LIGATURES)
            return LIGATURE_TEXT[ch - FIRST_LIGATURE];
    }
    return text;
}

/* One word of the sorted characters order[start:end] (all of them: a word's box is its letters,
   and a word with a letter has nothing else): its text, the least x0 and top, the greatest x1 and
   bottom, each the first of equals, as min() and max() keep them. */
static int make_word(const glyph *glyphs, scratch *s, Py_ssize_t start, Py_ssize_t end, word *w)
{
    const Py_ssize_t *order = s->order;
    const glyph *first = &glyphs[order[start]];
    w->x0 = first->x0, w->top = first->top, w->x1 = first->x1, w->bottom = first->bottom;
    for (Py_ssize_t k = start + 1; k < end; k++) {
        const glyph *g = &glyphs[order[k]];
        if (g->x0 < w->x0)
            w->x0 = g->x0;
        if (g->top < w->top)
            w->top = g->top;
        if (g->x1 > w->x1)
            w->x1 = g->x1;
        if (g->bottom > w->bottom)
            w->bottom = g->bottom;
    }
    for (Py_ssize_t k = start; k < end; k++)
        s->parts[k - start] = spelled_out(glyphs[order[k]].text);
    w->text = joined(s->parts, end - start, EMPTY);
    return w->text == NULL ? -1 : 0;
}

/* page_text._words over one line's characters, sorted (order[start:end]), appended to words */
static int line_words(const glyph *glyphs, scratch *s, Py_ssize_t start, Py_ssize_t end, int upright, word *words, Py_ssize_t *nwords)
{
    const Py_ssize_t *order = s->order;
    Py_ssize_t current = -1; /* where the word being read starts in order, -1 if none */
    for (Py_ssize_t k = start; k < end; k++) {
        const glyph *g = &glyphs[order[k]];
        Py_ssize_t length = PyUnicode_GET_LENGTH(g->text);
        if (length == 0 || is_space(g->text)) {
            if (current >= 0 && make_word(glyphs, s, current, k, &words[(*nwords)++]) < 0)
                return -1;
            if (length == 0 && make_word(glyphs, s, k, k + 1, &words[(*nwords)++]) < 0) /* a word of its own */
                return -1;
            current = -1;
            continue;
        }
        if (current >= 0) {
            const glyph *last = &glyphs[order[k - 1]];
            double at = upright ? g->x0 : g->top, last_start = upright ? last->x0 : last->top, last_end = upright ? last->x1 : last->bottom;
            double across = upright ? g->top : g->x0, last_across = upright ? last->top : last->x0;
            if (at < last_start || at > last_end + TOLERANCE || fabs(across - last_across) > TOLERANCE) {
                if (make_word(glyphs, s, current, k, &words[(*nwords)++]) < 0)
                    return -1;
                current = k;
            }
        }
        else
            current = k;
    }
    if (current >= 0 && make_word(glyphs, s, current, end, &words[(*nwords)++]) < 0)
        return -1;
    return 0;
}

/* The words of one run of equally upright characters, glyphs[start:end], appended to words:
   lines by clustering top (x0 when rotated), each sorted stably along it (x0, or top and bottom). */
static int run_words(const glyph *glyphs, Py_ssize_t start, Py_ssize_t end, scratch *s, word *words, Py_ssize_t *nwords)
{
    Py_ssize_t n = end - start;
    int upright = glyphs[start].upright;
    for (Py_ssize_t k = 0; k < n; k++)
        s->values[k] = upright ? glyphs[start + k].top : glyphs[start + k].x0;
    cluster_numbers(s, n);
    keyed *work = s->keys;
    /* clusters in order, each sorted stably along its line: one sort by (cluster, along, index) */
    for (Py_ssize_t k = 0; k < n; k++) {
        const glyph *g = &glyphs[start + k];
        work[k] = upright ? (keyed){s->cluster[k], g->x0, 0.0, k} : (keyed){s->cluster[k], g->top, g->bottom, k};
    }
    sort_keys(work, n, s->spare);
    for (Py_ssize_t k = 0; k < n; k++)
        s->order[k] = start + work[k].index;
    Py_ssize_t line = 0;
    for (Py_ssize_t k = 1; k <= n; k++)
        if (k == n || work[k].major != work[line].major) {
            if (line_words(glyphs, s, line, k, upright, words, nwords) < 0)
                return -1;
            line = k;
        }
    return 0;
}

/* s.strip(): a new reference */
static PyObject *stripped(PyObject *s)
{
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1)))
        end--;
    return PyUnicode_Substring(s, start, end);
}

/* One text line of words[start:end] (one cluster of tops), or Py_None when it is blank: its words
   joined with one space from the first with text on, stripped; the box of the words with text. */
static PyObject *make_line(const word *words, Py_ssize_t start, Py_ssize_t end, scratch *s, PyObject *line_type)
{
    Py_ssize_t first = start;
    while (first < end && PyUnicode_GET_LENGTH(words[first].text) == 0)
        first++;
    if (first == end)
        Py_RETURN_NONE;
    for (Py_ssize_t k = first; k < end; k++)
        s->parts[k - first] = words[k].text;
    PyObject *spaced = joined(s->parts, end - first, SPACE), *text = spaced ? stripped(spaced) : NULL;
    Py_XDECREF(spaced);
    if (text == NULL)
        return NULL;
    if (PyUnicode_GET_LENGTH(text) == 0) {
        Py_DECREF(text);
        Py_RETURN_NONE;
    }
    const word *ink = &words[first]; /* the first word with text: the words without have no ink */
    double top = ink->top, bottom = ink->bottom, x0 = ink->x0, x1 = ink->x1;
    for (Py_ssize_t k = first + 1; k < end; k++) {
        const word *w = &words[k];
        if (PyUnicode_GET_LENGTH(w->text) == 0)
            continue;
        if (w->top < top)
            top = w->top;
        if (w->bottom > bottom)
            bottom = w->bottom;
        if (w->x0 < x0)
            x0 = w->x0;
        if (w->x1 > x1)
            x1 = w->x1;
    }
    PyObject *args[5] = {text, PyFloat_FromDouble(top), PyFloat_FromDouble(bottom), PyFloat_FromDouble(x0), PyFloat_FromDouble(x1)};
    PyObject *line = NULL;
    if (args[1] && args[2] && args[3] && args[4])
        line = PyObject_Vectorcall(line_type, args, 5, NULL);
    for (int k = 0; k < 5; k++)
        Py_XDECREF(args[k]);
    return line;
}

/* text_lines(chars, TextLine) -> list of TextLine, or NotImplemented: page_text.chars_to_text_lines */
static PyObject *text_lines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "text_lines(chars: list, TextLine)");
        return NULL;
    }
    PyObject *chars = args[0], *line_type = args[1];
    Py_ssize_t n = PyList_GET_SIZE(chars), nwords = 0;
    glyph *glyphs = PyMem_Malloc(sizeof(glyph) * ((size_t)n + 1));
    word *words = PyMem_Malloc(sizeof(word) * ((size_t)n + 1));
    scratch s;
    PyObject *result = NULL;
    if (scratch_alloc(&s, n) < 0 || !glyphs || !words) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (read_glyph(PyList_GET_ITEM(chars, i), &glyphs[i]) < 0)
            goto not_implemented;
    /* groupby(chars, upright): each run's words in turn */
    for (Py_ssize_t start = 0, end = 1; end <= n; end++)
        if (end == n || glyphs[end].upright != glyphs[start].upright) {
            if (run_words(glyphs, start, end, &s, words, &nwords) < 0)
                goto done;
            start = end;
        }
    /* the words' lines: runs of words whose tops share a cluster, in the words' order */
    for (Py_ssize_t k = 0; k < nwords; k++)
        s.values[k] = words[k].top;
    cluster_numbers(&s, nwords);
    result = PyList_New(0);
    if (result == NULL)
        goto done;
    for (Py_ssize_t start = 0, end = 1; end <= nwords; end++)
        if (end == nwords || s.cluster[end] != s.cluster[start]) {
            PyObject *line = make_line(words, start, end, &s, line_type);
            if (line == NULL || (line != Py_None && PyList_Append(result, line) < 0)) {
                Py_XDECREF(line);
                Py_CLEAR(result);
                goto done;
            }
            Py_DECREF(line);
            start = end;
        }
    goto done;
not_implemented: /* unless a lookup failed */
    result = PyErr_Occurred() ? NULL : Py_NewRef(Py_NotImplemented);
done:
    for (Py_ssize_t k = 0; k < nwords; k++)
        Py_XDECREF(words[k].text); /* NULL where making it failed */
    PyMem_Free(glyphs), PyMem_Free(words);
    scratch_free(&s);
    return result;
}

/* ------------------------------------------------------------- prose lines */

#define SAME_LINE 0.5 /* prose._SAME_LINE */
#define SPACE_GAP 0.3 /* prose._SPACE */

typedef struct {
    double x0, x1, top, bottom, size;
    PyObject *text, *fontname; /* owned, as ProseLine's constructor runs Python code meanwhile; fontname NULL where there is none */
} prose_glyph;

/* the character's fields, or -1 where one is missing or not what Python computes with exactly */
static int read_prose_glyph(PyObject *c, PyObject *text, prose_glyph *g)
{
    PyObject *fontname = PyDict_GetItemWithError(c, K_FONTNAME);
    if ((fontname == NULL && PyErr_Occurred()) || (fontname != NULL && !PyUnicode_CheckExact(fontname)))
        return -1;
    if (float_item(c, K_X0, &g->x0) < 0 || float_item(c, K_X1, &g->x1) < 0 || float_item(c, K_TOP, &g->top) < 0 ||
        float_item(c, K_BOTTOM, &g->bottom) < 0 || float_item(c, K_SIZE, &g->size) < 0)
        return -1;
    if (!isfinite(g->size)) /* round(size) of an infinite size raises */
        return -1;
    g->text = Py_NewRef(text), g->fontname = Py_XNewRef(fontname);
    return 0;
}

/* "\u4e00" <= text <= "\u9fff", as str compares: by the first character, then by length */
static int is_chinese(PyObject *text)
{
    Py_UCS4 first = PyUnicode_READ_CHAR(text, 0);
    return first >= 0x4E00 && (first < 0x9FFF || (first == 0x9FFF && PyUnicode_GET_LENGTH(text) == 1));
}

/* round(size), as float.__round__ rounds: half to even */
static double rounded(double size)
{
    double r = round(size);
    return fabs(size - r) == 0.5 ? 2.0 * round(size / 2.0) : r;
}

/* fontname.split("+")[-1], "" where there is none: a new reference */
static PyObject *typeface_name(PyObject *fontname)
{
    if (fontname == NULL)
        return Py_NewRef(EMPTY);
    Py_ssize_t length = PyUnicode_GET_LENGTH(fontname), plus = PyUnicode_FindChar(fontname, '+', 0, length, -1);
    return plus == -2 ? NULL : PyUnicode_Substring(fontname, plus + 1, length);
}

/* prose._text_line over row[0:n] (the row's characters in order): sorted stably by x0, the texts
   joined with a space where the gap is wider than _SPACE of the character's size; the typeface its
   Chinese glyphs share, None if they do not. */
static PyObject *prose_line(const prose_glyph *glyphs, const Py_ssize_t *row, Py_ssize_t n, double top, double bottom, scratch *s,
                            PyObject *line_type)
{
    keyed *work = s->keys;
    for (Py_ssize_t k = 0; k < n; k++)
        work[k] = (keyed){0, glyphs[row[k]].x0, 0.0, k};
    sort_keys(work, n, s->spare);
    for (Py_ssize_t k = 0; k < n; k++) /* from place in the row to the character */
        work[k].index = row[work[k].index];
    PyObject *text = NULL, *face = NULL, *line = NULL;
    const prose_glyph *face_glyph = NULL; /* the first Chinese glyph */
    int one_face = 1;
    Py_ssize_t nparts = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        const prose_glyph *g = &glyphs[work[k].index];
        if (k > 0 && g->x0 - glyphs[work[k - 1].index].x1 > SPACE_GAP * g->size)
            s->parts[nparts++] = SPACE;
        s->parts[nparts++] = g->text;
        if (!one_face || !is_chinese(g->text))
            continue;
        if (face_glyph == NULL)
            face_glyph = g;
        else if (rounded(g->size) != rounded(face_glyph->size))
            one_face = 0;
        else if (g->fontname != face_glyph->fontname) { /* the same object is the same name */
            PyObject *name = typeface_name(g->fontname), *first = name ? typeface_name(face_glyph->fontname) : NULL;
            int same = first ? PyUnicode_Compare(name, first) : -1;
            Py_XDECREF(name), Py_XDECREF(first);
            if (same == -1 && PyErr_Occurred())
                goto done;
            one_face = same == 0;
        }
    }
    if (face_glyph != NULL && one_face) {
        PyObject *name = typeface_name(face_glyph->fontname), *size = name ? PyLong_FromDouble(rounded(face_glyph->size)) : NULL;
        face = size ? PyTuple_Pack(2, name, size) : NULL;
        Py_XDECREF(name), Py_XDECREF(size);
        if (face == NULL)
            goto done;
    }
    else
        face = Py_NewRef(Py_None);
    text = joined(s->parts, nparts, EMPTY);
    if (text == NULL)
        goto done;
    PyObject *args[6] = {text, PyFloat_FromDouble(top), PyFloat_FromDouble(bottom), PyFloat_FromDouble(glyphs[work[0].index].x0),
                         PyFloat_FromDouble(glyphs[work[n - 1].index].x1), face};
    if (args[1] && args[2] && args[3] && args[4])
        line = PyObject_Vectorcall(line_type, args, 6, NULL);
    for (int k = 1; k < 5; k++)
        Py_XDECREF(args[k]);
done:
    Py_XDECREF(text), Py_XDECREF(face);
    return line;
}

/* prose_lines(chars, ProseLine) -> tuple of ProseLine, or NotImplemented: prose.chars_to_lines.
   The characters with text, sorted stably by their middle, (top + bottom) / 2; each joins the row
   before when they overlap by _SAME_LINE of the smaller height, and widens it. */
static PyObject *prose_lines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "prose_lines(chars: list, ProseLine)");
        return NULL;
    }
    PyObject *chars = args[0], *line_type = args[1];
    Py_ssize_t n = PyList_GET_SIZE(chars), kept = 0;
    prose_glyph *glyphs = PyMem_Malloc(sizeof(prose_glyph) * ((size_t)n + 1));
    scratch s;
    PyObject *lines = NULL, *result = NULL;
    if (scratch_alloc(&s, n) < 0 || !glyphs) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    keyed *work = s.keys;
    Py_ssize_t *order = s.order;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(chars, i), *text;
        if (!PyDict_CheckExact(c) || (text = PyDict_GetItemWithError(c, K_TEXT)) == NULL || !PyUnicode_CheckExact(text))
            goto not_implemented;
        if (PyUnicode_GET_LENGTH(text) == 0 || is_space(text)) /* not text.strip() */
            continue;
        if (read_prose_glyph(c, text, &glyphs[kept]) < 0)
            goto not_implemented;
        work[kept] = (keyed){0, (glyphs[kept].top + glyphs[kept].bottom) / 2, 0.0, kept};
        kept++;
    }
    sort_keys(work, kept, s.spare);
    for (Py_ssize_t k = 0; k < kept; k++)
        order[k] = work[k].index;
    lines = PyList_New(0);
    if (lines == NULL)
        goto done;
    /* rows are runs of order: a character joins the last row or starts the next */
    for (Py_ssize_t start = 0, end; start < kept; start = end) {
        double row_top = glyphs[order[start]].top, row_bottom = glyphs[order[start]].bottom;
        for (end = start + 1; end < kept; end++) {
            double top = glyphs[order[end]].top, bottom = glyphs[order[end]].bottom;
            /* min() and max() as Python's keep the first of equals: min(a, b) is b only if b < a */
            double overlap = (row_bottom < bottom ? row_bottom : bottom) - (row_top > top ? row_top : top);
            double height = bottom - top, row_height = row_bottom - row_top;
            if (!(overlap >= SAME_LINE * (row_height < height ? row_height : height)))
                break;
            row_top = row_top < top ? row_top : top;
            row_bottom = row_bottom > bottom ? row_bottom : bottom;
        }
        PyObject *line = prose_line(glyphs, order + start, end - start, row_top, row_bottom, &s, line_type);
        int appended = line ? PyList_Append(lines, line) : -1;
        Py_XDECREF(line);
        if (appended < 0)
            goto done;
    }
    result = PyList_AsTuple(lines);
    goto done;
not_implemented: /* unless a lookup failed */
    result = PyErr_Occurred() ? NULL : Py_NewRef(Py_NotImplemented);
done:
    Py_XDECREF(lines);
    for (Py_ssize_t k = 0; k < kept; k++)
        Py_DECREF(glyphs[k].text), Py_XDECREF(glyphs[k].fontname);
    PyMem_Free(glyphs);
    scratch_free(&s);
    return result;
}

static PyMethodDef methods[] = {
    {"text_lines", (PyCFunction)(void (*)(void))text_lines, METH_FASTCALL,
     "text_lines(chars, TextLine) -> list of TextLine, or NotImplemented: page_text.chars_to_text_lines"},
    {"prose_lines", (PyCFunction)(void (*)(void))prose_lines, METH_FASTCALL,
     "prose_lines(chars, ProseLine) -> tuple of ProseLine, or NotImplemented: prose.chars_to_lines"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_text_lines", "page_text.chars_to_text_lines and prose.chars_to_lines in C (see page_text.py).", -1, methods};

PyMODINIT_FUNC PyInit__text_lines(void)
{
    static const char *const spelled[LIGATURES] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"}; /* U+FB00 to U+FB06 */
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
#define STR(var, s) if ((var = PyUnicode_InternFromString(s)) == NULL) return NULL;
    STR(K_UPRIGHT, "upright") STR(K_TEXT, "text") STR(K_X0, "x0") STR(K_X1, "x1") STR(K_TOP, "top") STR(K_BOTTOM, "bottom")
    STR(K_SIZE, "size") STR(K_FONTNAME, "fontname") STR(EMPTY, "") STR(SPACE, " ")
#undef STR
    for (int k = 0; k < LIGATURES; k++)
        if ((LIGATURE_TEXT[k] = PyUnicode_FromString(spelled[k])) == NULL)
            return NULL;
    if (PyModule_AddIntConstant(m, "VERSION", TEXT_LINES_VERSION) < 0)
        return NULL;
    return m;
}
