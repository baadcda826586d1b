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

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->major != y->major)
        return x->major < y->major ? -1 : 1;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    if (x->minor != y->minor)
        return x->minor < y->minor ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* page_text._clusters: each value's cluster number (the sorted distinct values, each within the
   tolerance of the one before, share a cluster); returns the number of clusters. work is n long. */
static Py_ssize_t cluster_numbers(const double *values, Py_ssize_t n, keyed *work, Py_ssize_t *cluster)
{
    for (Py_ssize_t k = 0; k < n; k++)
        work[k] = (keyed){0, values[k], 0.0, k};
    qsort(work, (size_t)n, sizeof(keyed), by_key);
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
    return n ? c + 1 : 0;
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
    return float_item(c, K_X0, &g->x0) < 0 || float_item(c, K_X1, &g->x1) < 0 || float_item(c, K_TOP, &g->top) < 0 ||
                   float_item(c, K_BOTTOM, &g->bottom) < 0
               ? -1
               : 0;
}

/* str.isspace() over s[start:end]: all whitespace (false when empty) */
static int all_space(PyObject *s, Py_ssize_t start, Py_ssize_t end)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = start; i < end; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    return start < end;
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
static int make_word(const glyph *glyphs, const Py_ssize_t *order, Py_ssize_t start, Py_ssize_t end, word *w)
{
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
    if (end - start == 1) {
        w->text = Py_NewRef(spelled_out(first->text));
        return 0;
    }
    PyObject *parts = PyList_New(end - start);
    if (parts == NULL)
        return -1;
    for (Py_ssize_t k = start; k < end; k++)
        PyList_SET_ITEM(parts, k - start, Py_NewRef(spelled_out(glyphs[order[k]].text)));
    w->text = PyUnicode_Join(EMPTY, parts);
    Py_DECREF(parts);
    return w->text == NULL ? -1 : 0;
}

/* page_text._words over one line's characters, sorted (order[start:end]), appended to words */
static int line_words(const glyph *glyphs, const Py_ssize_t *order, Py_ssize_t start, Py_ssize_t end, int upright, word *words,
                      Py_ssize_t *nwords)
{
    Py_ssize_t current = -1; /* where the word being read starts in order, -1 if none */
    for (Py_ssize_t k = start; k < end; k++) {
        const glyph *g = &glyphs[order[k]];
        Py_ssize_t length = PyUnicode_GET_LENGTH(g->text);
        if (length == 0 || all_space(g->text, 0, length)) {
            if (current >= 0 && make_word(glyphs, order, current, k, &words[(*nwords)++]) < 0)
                return -1;
            if (length == 0 && make_word(glyphs, order, k, k + 1, &words[(*nwords)++]) < 0) /* a word of its own */
                return -1;
            current = -1;
            continue;
        }
        if (current >= 0) {
            const glyph *last = &glyphs[order[k - 1]];
            double at = upright ? g->x0 : g->top, last_start = upright ? last->x0 : last->top, last_end = upright ? last->x1 : last->bottom;
            double across = upright ? g->top : g->x0, last_across = upright ? last->top : last->x0;
            if (at < last_start || at > last_end + TOLERANCE || fabs(across - last_across) > TOLERANCE) {
                if (make_word(glyphs, order, current, k, &words[(*nwords)++]) < 0)
                    return -1;
                current = k;
            }
        }
        else
            current = k;
    }
    if (current >= 0 && make_word(glyphs, order, current, end, &words[(*nwords)++]) < 0)
        return -1;
    return 0;
}

/* The words of one run of equally upright characters, glyphs[start:end], appended to words:
   lines by clustering top (x0 when rotated), each sorted stably along it (x0, or top and bottom). */
static int run_words(const glyph *glyphs, Py_ssize_t start, Py_ssize_t end, keyed *work, double *values, Py_ssize_t *cluster,
                     Py_ssize_t *order, word *words, Py_ssize_t *nwords)
{
    Py_ssize_t n = end - start;
    int upright = glyphs[start].upright;
    for (Py_ssize_t k = 0; k < n; k++)
        values[k] = upright ? glyphs[start + k].top : glyphs[start + k].x0;
    cluster_numbers(values, n, work, cluster);
    /* clusters in order, each sorted stably along its line: one sort by (cluster, along, index) */
    for (Py_ssize_t k = 0; k < n; k++) {
        const glyph *g = &glyphs[start + k];
        work[k] = upright ? (keyed){cluster[k], g->x0, 0.0, k} : (keyed){cluster[k], g->top, g->bottom, k};
    }
    qsort(work, (size_t)n, sizeof(keyed), by_key);
    for (Py_ssize_t k = 0; k < n; k++)
        order[k] = start + work[k].index;
    Py_ssize_t line = 0;
    for (Py_ssize_t k = 1; k <= n; k++)
        if (k == n || work[k].major != work[line].major) {
            if (line_words(glyphs, order, line, k, upright, words, nwords) < 0)
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
static PyObject *make_line(const word *words, Py_ssize_t start, Py_ssize_t end, PyObject *line_type)
{
    Py_ssize_t first = start;
    while (first < end && PyUnicode_GET_LENGTH(words[first].text) == 0)
        first++;
    if (first == end)
        Py_RETURN_NONE;
    PyObject *joined;
    if (end - first == 1)
        joined = Py_NewRef(words[first].text);
    else {
        PyObject *parts = PyList_New(end - first);
        if (parts == NULL)
            return NULL;
        for (Py_ssize_t k = first; k < end; k++)
            PyList_SET_ITEM(parts, k - first, Py_NewRef(words[k].text));
        joined = PyUnicode_Join(SPACE, parts);
        Py_DECREF(parts);
        if (joined == NULL)
            return NULL;
    }
    PyObject *text = stripped(joined);
    Py_DECREF(joined);
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
    size_t slots = (size_t)n + 1; /* PyMem_Malloc(0) may return NULL */
    glyph *glyphs = PyMem_Malloc(sizeof(glyph) * slots);
    word *words = PyMem_Malloc(sizeof(word) * slots);
    keyed *work = PyMem_Malloc(sizeof(keyed) * slots);
    double *values = PyMem_Malloc(sizeof(double) * slots);
    Py_ssize_t *cluster = PyMem_Malloc(sizeof(Py_ssize_t) * slots), *order = PyMem_Malloc(sizeof(Py_ssize_t) * slots);
    PyObject *result = NULL;
    if (!glyphs || !words || !work || !values || !cluster || !order) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (read_glyph(PyList_GET_ITEM(chars, i), &glyphs[i]) < 0) {
            if (PyErr_Occurred())
                goto done;
            result = Py_NewRef(Py_NotImplemented);
            goto done;
        }
    /* groupby(chars, upright): each run's words in turn */
    for (Py_ssize_t start = 0, end = 1; end <= n; end++)
        if (end == n || glyphs[end].upright != glyphs[start].upright) {
            if (run_words(glyphs, start, end, work, values, cluster, order, words, &nwords) < 0)
                goto done;
            start = end;
        }
    /* the words' lines: runs of words whose tops share a cluster, in the words' order */
    for (Py_ssize_t k = 0; k < nwords; k++)
        values[k] = words[k].top;
    cluster_numbers(values, nwords, work, cluster);
    result = PyList_New(0);
    if (result == NULL)
        goto done;
    for (Py_ssize_t start = 0, end = 1; end <= nwords; end++)
        if (end == nwords || cluster[end] != cluster[start]) {
            PyObject *line = make_line(words, start, end, line_type);
            if (line == NULL || (line != Py_None && PyList_Append(result, line) < 0)) {
                Py_XDECREF(line);
                Py_CLEAR(result);
                goto done;
            }
            Py_DECREF(line);
            start = end;
        }
done:
    for (Py_ssize_t k = 0; k < nwords; k++)
        Py_DECREF(words[k].text);
    PyMem_Free(glyphs), PyMem_Free(words), PyMem_Free(work), PyMem_Free(values), PyMem_Free(cluster), PyMem_Free(order);
    return result;
}

/* ------------------------------------------------------------- prose lines */

#define SAME_LINE 0.5 /* prose._SAME_LINE */
#define SPACE_GAP 0.3 /* prose._SPACE */

typedef struct {
    double x0, x1, top, bottom, size;
    PyObject *text, *fontname; /* borrowed; fontname NULL where the character has none */
} prose_glyph;

/* the character's fields, or -1 where one is missing or not what Python computes with exactly */
static int read_prose_glyph(PyObject *c, PyObject *text, prose_glyph *g)
{
    g->text = text;
    g->fontname = PyDict_GetItemWithError(c, K_FONTNAME);
    if (g->fontname != NULL && !PyUnicode_CheckExact(g->fontname))
        return -1;
    if (float_item(c, K_X0, &g->x0) < 0 || float_item(c, K_X1, &g->x1) < 0 || float_item(c, K_TOP, &g->top) < 0 ||
        float_item(c, K_BOTTOM, &g->bottom) < 0 || float_item(c, K_SIZE, &g->size) < 0)
        return -1;
    return isfinite(g->size) ? 0 : -1; /* round(size) of an infinite size raises */
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
static PyObject *prose_line(const prose_glyph *glyphs, const Py_ssize_t *row, Py_ssize_t n, double top, double bottom,
                            keyed *work, PyObject *line_type)
{
    for (Py_ssize_t k = 0; k < n; k++)
        work[k] = (keyed){0, glyphs[row[k]].x0, 0.0, k};
    qsort(work, (size_t)n, sizeof(keyed), by_key);
    for (Py_ssize_t k = 0; k < n; k++) /* from place in the row to the character */
        work[k].index = row[work[k].index];
    PyObject *parts = PyList_New(0), *text = NULL, *face = NULL, *line = NULL;
    const prose_glyph *face_glyph = NULL; /* the first Chinese glyph */
    int one_face = 1;
    if (parts == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        const prose_glyph *g = &glyphs[work[k].index];
        if (k > 0 && g->x0 - glyphs[work[k - 1].index].x1 > SPACE_GAP * g->size && PyList_Append(parts, SPACE) < 0)
            goto done;
        if (PyList_Append(parts, g->text) < 0)
            goto done;
        if (!one_face || !is_chinese(g->text))
            continue;
        if (face_glyph == NULL)
            face_glyph = g;
        else if (rounded(g->size) != rounded(face_glyph->size))
            one_face = 0;
        else {
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
    text = PyUnicode_Join(EMPTY, parts);
    if (text == NULL)
        goto done;
    PyObject *args[6] = {text, PyFloat_FromDouble(top), PyFloat_FromDouble(bottom), PyFloat_FromDouble(glyphs[work[0].index].x0),
                         PyFloat_FromDouble(glyphs[work[n - 1].index].x1), face};
    if (args[1] && args[2] && args[3] && args[4])
        line = PyObject_Vectorcall(line_type, args, 6, NULL);
    for (int k = 1; k < 5; k++)
        Py_XDECREF(args[k]);
done:
    Py_DECREF(parts);
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
    size_t slots = (size_t)n + 1; /* PyMem_Malloc(0) may return NULL */
    prose_glyph *glyphs = PyMem_Malloc(sizeof(prose_glyph) * slots);
    keyed *work = PyMem_Malloc(sizeof(keyed) * slots);
    Py_ssize_t *order = PyMem_Malloc(sizeof(Py_ssize_t) * slots);
    PyObject *lines = NULL, *result = NULL;
    if (!glyphs || !work || !order) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(chars, i), *text;
        if (!PyDict_CheckExact(c) || (text = PyDict_GetItemWithError(c, K_TEXT)) == NULL || !PyUnicode_CheckExact(text))
            goto not_implemented;
        Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        if (length == 0 || all_space(text, 0, length)) /* not text.strip() */
            continue;
        if (read_prose_glyph(c, text, &glyphs[kept]) < 0)
            goto not_implemented;
        work[kept] = (keyed){0, (glyphs[kept].top + glyphs[kept].bottom) / 2, 0.0, kept};
        kept++;
    }
    qsort(work, (size_t)kept, sizeof(keyed), by_key);
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
        PyObject *line = prose_line(glyphs, order + start, end - start, row_top, row_bottom, work, line_type);
        int appended = line ? PyList_Append(lines, line) : -1;
        Py_XDECREF(line);
        if (appended < 0)
            goto done;
    }
    result = PyList_AsTuple(lines);
    goto done;
not_implemented:
    result = Py_NewRef(Py_NotImplemented);
done:
    Py_XDECREF(lines);
    PyMem_Free(glyphs), PyMem_Free(work), PyMem_Free(order);
    return result;
}

static PyMethodDef methods[] = {
    {"text_lines", (PyCFunction)(void (*)(void))text_lines, METH_FASTCALL,
     "text_lines(chars, TextLine) -> list of TextLine, or NotImplemented: page_text.chars_to_text_lines"},
    {"prose_lines", (PyCFunction)(void (*)(void))prose_lines, METH_FASTCALL,
     "prose_lines(chars, ProseLine) -> tuple of ProseLine, or NotImplemented: prose.chars_to_lines"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_text_lines", "page_text.chars_to_text_lines in C (see page_text.py).", -1,
                                        methods};

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
