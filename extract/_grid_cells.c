/* budgetpdf.extract._grid_cells: filling a ruled grid's cells, in C.
 *
 * grid.py is the specification and stays: this module is optional (a machine
 * without a compiler installs without it, and BUDGETPDF_PURE_PYTHON=1 turns it
 * off).  Each function is a translation of its Python twin, giving the same
 * Python objects:
 *
 *   cell_contents(chars, bbox, xs, ys, owner, n_cells, touching)
 *       page_to_grids' characters inside a table, placed by grid.chars_to_slots
 *       and handed to the cell that owns each slot
 *   cell_text(chars, line_tolerance, space_gap)
 *       grid.chars_to_text, and the x0 grid._indent measures from
 *   rules_to_cells(vertical, horizontal, x_tolerance, y_tolerance)
 *       table_finder.intersections_to_cells(*table_finder.rules_to_intersections(...))
 *   cells_to_tables(cells)
 *       pdfplumber.table.cells_to_tables: the cells grouped into tables by shared corners
 *   chars_outside(chars, boxes)
 *       printed.chars_outside: the characters whose centre lies in none of the boxes
 *
 * Positions are read as doubles: a Python float as it is, an int only while it
 * is small enough (|v| <= 2**50) that sums, halves and comparisons in doubles
 * are exact, as Python's are.  Anything else (a larger int, another type, NaN)
 * returns NotImplemented and the caller runs the Python twin.  Built with
 * -ffp-contract=off, so each operation rounds once, as in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define GRID_CELLS_VERSION 4
#define EXACT_INT_LIMIT (1LL << 50)

static PyObject *K_X0, *K_X1, *K_TOP, *K_BOTTOM, *K_SIZE, *K_TEXT, *S_ROUND, *S_STRIP, *ONE, *EMPTY, *NEWLINE, *SPACE;

/* a number as a double, exactly; -1 where it cannot be (the caller returns NotImplemented) */
static int exact_double(PyObject *v, double *out)
{
    if (v != NULL && PyFloat_CheckExact(v)) {
        *out = PyFloat_AS_DOUBLE(v);
        return Py_IS_NAN(*out) ? -1 : 0;
    }
    if (v != NULL && PyLong_CheckExact(v)) {
        int overflow;
        long long i = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow || i > EXACT_INT_LIMIT || i < -EXACT_INT_LIMIT)
            return -1;
        *out = (double)i;
        return 0;
    }
    return -1;
}

static int item_double(PyObject *dict, PyObject *key, double *out)
{
    if (!PyDict_CheckExact(dict))
        return -1;
    return exact_double(PyDict_GetItemWithError(dict, key), out);
}

/* bisect.bisect_right */
static Py_ssize_t bisect_right(const double *a, Py_ssize_t n, double x)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (x < a[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static double *doubles_of(PyObject *list, Py_ssize_t *n)
{
    if (!PyList_CheckExact(list))
        return NULL;
    *n = PyList_GET_SIZE(list);
    double *out = PyMem_New(double, *n ? *n : 1);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < *n; k++)
        if (exact_double(PyList_GET_ITEM(list, k), &out[k]) < 0) {
            PyMem_Free(out);
            return NULL;
        }
    return out;
}

static int is_digit_text(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0)
        return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t k = 0; k < n; k++)
        if (!Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, k)))
            return 0;
    return 1;
}

typedef struct {
    PyObject *char_; /* borrowed from the chars list */
    double x0, x1, top;
    Py_ssize_t row, col;
} placed_t;

/* cell_contents(chars, bbox, xs, ys, owner, n_cells, touching) -> list of n_cells lists, or NotImplemented
 *
 * page_to_grids keeps the characters whose centre lies inside the table's bbox, then
 * cells_to_grid places them with chars_to_slots: a character's slot is where its centre
 * lies (bisect_right - 1 on xs and ys); a run of touching characters (tops within 0.5,
 * each starting within ``touching`` of the last one's end) that spans slots of one row
 * goes whole to the slot most of it holds (the first such slot on a tie, as
 * Counter.most_common), unless a character to move is a digit.  ``owner`` is the cell
 * number of each slot (row * len(xs) + col), -1 for none; the characters of owned slots go
 * to their cell in order. */
static PyObject *cell_contents(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7 || !PyList_CheckExact(args[0]) || !PyTuple_CheckExact(args[1]) || PyTuple_GET_SIZE(args[1]) != 4 || !PyList_CheckExact(args[4])) {
        PyErr_SetString(PyExc_TypeError, "cell_contents(chars: list, bbox: tuple, xs: list, ys: list, owner: list, n_cells: int, touching: float)");
        return NULL;
    }
    PyObject *chars = args[0], *owner = args[4];
    Py_ssize_t n_cells = PyLong_AsSsize_t(args[5]);
    double touching, box[4];
    if (n_cells == -1 && PyErr_Occurred())
        return NULL;
    if (exact_double(args[6], &touching) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    for (int k = 0; k < 4; k++)
        if (exact_double(PyTuple_GET_ITEM(args[1], k), &box[k]) < 0)
            Py_RETURN_NOTIMPLEMENTED;

    PyObject *result = NULL;
    Py_ssize_t n_xs = 0, n_ys = 0, n = PyList_GET_SIZE(chars), kept = 0;
    double *xs = doubles_of(args[2], &n_xs), *ys = doubles_of(args[3], &n_ys);
    placed_t *placed = PyMem_New(placed_t, n ? n : 1);
    Py_ssize_t *slots = PyMem_New(Py_ssize_t, 2 * (n ? n : 1)); /* a run's slots, as moved */
    Py_ssize_t *counts = PyMem_New(Py_ssize_t, n ? n : 1);
    if (xs == NULL || ys == NULL || placed == NULL || slots == NULL || counts == NULL || PyList_GET_SIZE(owner) != n_xs * n_ys)
        goto not_implemented;

    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *c = PyList_GET_ITEM(chars, k);
        double x0, x1, top, bottom;
        if (item_double(c, K_X0, &x0) < 0 || item_double(c, K_X1, &x1) < 0 || item_double(c, K_TOP, &top) < 0 || item_double(c, K_BOTTOM, &bottom) < 0)
            goto not_implemented;
        double cx = (x0 + x1) / 2, cy = (top + bottom) / 2;
        if (!(box[0] <= cx && cx <= box[2] && box[1] <= cy && cy <= box[3]))
            continue;
        placed_t *p = &placed[kept++];
        p->char_ = c, p->x0 = x0, p->x1 = x1, p->top = top;
        p->row = bisect_right(ys, n_ys, cy) - 1, p->col = bisect_right(xs, n_xs, cx) - 1;
    }

    result = PyList_New(n_cells);
    if (result == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < n_cells; k++) {
        PyObject *cell = PyList_New(0);
        if (cell == NULL)
            goto error;
        PyList_SET_ITEM(result, k, cell);
    }
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 1; i <= kept; i++) {
        if (i < kept) {
            const placed_t *before = &placed[i - 1], *c = &placed[i];
            double gap = c->x0 - before->x1;
            if (fabs(c->top - before->top) <= 0.5 && -touching <= gap && gap <= touching)
                continue;
        }
        Py_ssize_t len = i - start, home = start;
        int one_slot = 1, one_row = 1;
        for (Py_ssize_t k = start; k < i; k++) {
            slots[2 * (k - start)] = placed[k].row, slots[2 * (k - start) + 1] = placed[k].col;
            one_slot &= placed[k].row == placed[start].row && placed[k].col == placed[start].col;
        }
        if (!one_slot) {
            /* the most common slot, the first met on a tie: count each at its first occurrence */
            Py_ssize_t best = -1;
            for (Py_ssize_t k = start; k < i; k++) {
                counts[k - start] = 0;
                Py_ssize_t first = k;
                for (Py_ssize_t j = start; j < k; j++)
                    if (placed[j].row == placed[k].row && placed[j].col == placed[k].col) {
                        first = j;
                        break;
                    }
                counts[first - start]++;
            }
            for (Py_ssize_t k = start; k < i; k++)
                if (counts[k - start] > best)
                    best = counts[k - start], home = k;
            int stray_digit = 0;
            for (Py_ssize_t k = start; k < i; k++) {
                one_row &= placed[k].row == placed[home].row;
                if (placed[k].row != placed[home].row || placed[k].col != placed[home].col) {
                    PyObject *text = PyDict_GetItemWithError(placed[k].char_, K_TEXT);
                    if (text == NULL || !PyUnicode_CheckExact(text))
                        goto not_implemented_result;
                    stray_digit |= is_digit_text(text);
                }
            }
            if (one_row && !stray_digit) /* strays there are: the run spans slots */
                for (Py_ssize_t k = 0; k < len; k++)
                    slots[2 * k] = placed[home].row, slots[2 * k + 1] = placed[home].col;
        }
        for (Py_ssize_t k = 0; k < len; k++) {
            Py_ssize_t row = slots[2 * k], col = slots[2 * k + 1];
            if (row < 0 || col < 0 || row >= n_ys || col >= n_xs)
                continue;
            Py_ssize_t cell = PyLong_AsSsize_t(PyList_GET_ITEM(owner, row * n_xs + col));
            if (cell == -1 && PyErr_Occurred())
                goto error;
            if (cell >= 0 && cell < n_cells && PyList_Append(PyList_GET_ITEM(result, cell), placed[start + k].char_) < 0)
                goto error;
        }
        start = i;
    }
    goto done;

not_implemented_result:
    Py_CLEAR(result);
not_implemented:
    if (!PyErr_Occurred())
        result = Py_NewRef(Py_NotImplemented);
    goto done;
error:
    Py_CLEAR(result);
done:
    PyMem_Free(xs), PyMem_Free(ys), PyMem_Free(placed), PyMem_Free(slots), PyMem_Free(counts);
    return result;
}

typedef struct {
    PyObject *char_, *text;
    double x0, x1, top, size, rounded_top;
    Py_ssize_t index;
} glyph_t;

static int by_x0(const void *a, const void *b)
{
    const glyph_t *g = a, *h = b;
    if (g->x0 != h->x0)
        return g->x0 < h->x0 ? -1 : 1;
    return (g->index > h->index) - (g->index < h->index); /* stable, as sorted() */
}

static int by_rounded_top_then_x0(const void *a, const void *b)
{
    const glyph_t *g = a, *h = b;
    if (g->rounded_top != h->rounded_top)
        return g->rounded_top < h->rounded_top ? -1 : 1;
    return by_x0(a, b);
}

/* the text of one printed line (glyphs sorted by x0): a space where the gap exceeds space_gap sizes, stripped */
static PyObject *line_text(glyph_t *line, Py_ssize_t n, double space_gap)
{
    for (Py_ssize_t k = 0; k < n; k++)
        line[k].index = k;
    qsort(line, (size_t)n, sizeof(glyph_t), by_x0);
    PyObject *parts = PyList_New(0), *joined = NULL, *stripped = NULL;
    if (parts == NULL || PyList_Append(parts, line[0].text) < 0)
        goto done;
    for (Py_ssize_t k = 1; k < n; k++)
        if ((line[k].x0 - line[k - 1].x1 > space_gap * line[k].size && PyList_Append(parts, SPACE) < 0) || PyList_Append(parts, line[k].text) < 0)
            goto done;
    joined = PyUnicode_Join(EMPTY, parts);
    if (joined != NULL)
        stripped = PyObject_CallMethodNoArgs(joined, S_STRIP);
done:
    Py_XDECREF(parts);
    Py_XDECREF(joined);
    return stripped;
}

/* cell_text(chars, line_tolerance, space_gap) -> (text, x0 of the leftmost char on the first line, or None), or NotImplemented
 *
 * grid.chars_to_text: the characters sorted by x0 when they share one top, else by
 * (round(top, 1), x0); a new line wherever a top is more than line_tolerance from its line's
 * first; each line's characters by x0, its text stripped; the lines' non-empty texts joined
 * by newlines.  And what grid._indent measures: the first smallest x0 among the characters
 * within 2 of the smallest top (the object itself, so that Python's round sees its type). */
static PyObject *cell_text(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "cell_text(chars: list, line_tolerance, space_gap)");
        return NULL;
    }
    PyObject *chars = args[0];
    double line_tolerance, space_gap;
    if (exact_double(args[1], &line_tolerance) < 0 || exact_double(args[2], &space_gap) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t n = PyList_GET_SIZE(chars);
    if (n == 0)
        return Py_BuildValue("(OO)", EMPTY, Py_None);

    PyObject *result = NULL, *texts = NULL, *text = NULL;
    glyph_t *glyphs = PyMem_New(glyph_t, n);
    if (glyphs == NULL)
        return PyErr_NoMemory();
    int one_top = 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        glyph_t *g = &glyphs[k];
        g->char_ = PyList_GET_ITEM(chars, k);
        g->index = k;
        if (item_double(g->char_, K_X0, &g->x0) < 0 || item_double(g->char_, K_X1, &g->x1) < 0 || item_double(g->char_, K_TOP, &g->top) < 0 ||
            item_double(g->char_, K_SIZE, &g->size) < 0)
            goto not_implemented;
        g->text = PyDict_GetItemWithError(g->char_, K_TEXT);
        if (g->text == NULL || !PyUnicode_CheckExact(g->text))
            goto not_implemented;
        one_top &= g->top == glyphs[0].top;
    }

    /* _indent, before the sort moves the characters: the first of the smallest x0 near the top */
    double top = glyphs[0].top;
    for (Py_ssize_t k = 1; k < n; k++)
        if (glyphs[k].top < top)
            top = glyphs[k].top;
    Py_ssize_t left = -1;
    for (Py_ssize_t k = 0; k < n; k++)
        if (glyphs[k].top - top < 2 && (left < 0 || glyphs[k].x0 < glyphs[left].x0))
            left = k;
    PyObject *left_x0 = PyDict_GetItemWithError(glyphs[left].char_, K_X0);

    if (one_top)
        qsort(glyphs, (size_t)n, sizeof(glyph_t), by_x0);
    else {
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *rounded = PyObject_CallMethodOneArg(PyDict_GetItemWithError(glyphs[k].char_, K_TOP), S_ROUND, ONE);
            int bad = rounded == NULL || exact_double(rounded, &glyphs[k].rounded_top) < 0;
            Py_XDECREF(rounded);
            if (bad)
                goto not_implemented;
        }
        qsort(glyphs, (size_t)n, sizeof(glyph_t), by_rounded_top_then_x0);
    }
    texts = PyList_New(0);
    if (texts == NULL)
        goto done;
    for (Py_ssize_t first = 0, k = 1; k <= n; k++) {
        if (k < n && fabs(glyphs[k].top - glyphs[first].top) <= line_tolerance)
            continue;
        PyObject *line = line_text(&glyphs[first], k - first, space_gap);
        if (line == NULL || (PyUnicode_GET_LENGTH(line) && PyList_Append(texts, line) < 0)) {
            Py_XDECREF(line);
            goto done;
        }
        Py_DECREF(line);
        first = k;
    }
    text = PyUnicode_Join(NEWLINE, texts);
    if (text != NULL)
        result = PyTuple_Pack(2, text, left_x0);
    goto done;

not_implemented:
    if (!PyErr_Occurred())
        result = Py_NewRef(Py_NotImplemented);
done:
    Py_XDECREF(texts);
    Py_XDECREF(text);
    PyMem_Free(glyphs);
    return result;
}


/* ---- rules_to_cells ---------------------------------------------------------------- */

typedef struct {
    double key[4];   /* what orders it */
    Py_ssize_t index; /* its place in the input, the last key */
} ordered_t;

static int by_keys(const void *a, const void *b)
{
    const ordered_t *p = a, *q = b;
    for (int k = 0; k < 4; k++)
        if (p->key[k] != q->key[k])
            return p->key[k] < q->key[k] ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

/* compared with ==, as Python compares boxes: -0.0 is 0.0 */
static int same_keys(const double *a, const double *b)
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

typedef struct {
    double x0, top, x1, bottom;
    PyObject *x0_obj, *top_obj; /* borrowed from the rule tuple */
    Py_ssize_t box;             /* the same number for rules of the same (x0, top, x1, bottom) */
} rule_t;

/* rules as 5-tuples (x0, top, x1, bottom, length) → rule_t, each box numbered by value; -1 if not exact numbers */
static int read_rules(PyObject *list, rule_t **out, Py_ssize_t *n)
{
    *n = PyList_GET_SIZE(list);
    rule_t *rules = *out = PyMem_New(rule_t, *n ? *n : 1);
    ordered_t *order = PyMem_New(ordered_t, *n ? *n : 1);
    if (rules == NULL || order == NULL) {
        PyMem_Free(order);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < *n; k++) {
        PyObject *rule = PyList_GET_ITEM(list, k);
        if (!PyTuple_CheckExact(rule) || PyTuple_GET_SIZE(rule) < 4 || exact_double(PyTuple_GET_ITEM(rule, 0), &rules[k].x0) < 0 ||
            exact_double(PyTuple_GET_ITEM(rule, 1), &rules[k].top) < 0 || exact_double(PyTuple_GET_ITEM(rule, 2), &rules[k].x1) < 0 ||
            exact_double(PyTuple_GET_ITEM(rule, 3), &rules[k].bottom) < 0) {
            PyMem_Free(order);
            return -1;
        }
        rules[k].x0_obj = PyTuple_GET_ITEM(rule, 0), rules[k].top_obj = PyTuple_GET_ITEM(rule, 1);
        order[k] = (ordered_t){{rules[k].x0, rules[k].top, rules[k].x1, rules[k].bottom}, k};
    }
    qsort(order, (size_t)*n, sizeof(ordered_t), by_keys);
    for (Py_ssize_t k = 0, box = -1; k < *n; k++) {
        if (k == 0 || !same_keys(order[k].key, order[k - 1].key))
            box++;
        rules[order[k].index].box = box;
    }
    PyMem_Free(order);
    return 0;
}

static int by_top(const void *a, const void *b)
{
    const ordered_t *p = a, *q = b;
    if (p->key[0] != q->key[0])
        return p->key[0] < q->key[0] ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index); /* stable, as sorted() */
}

typedef struct {
    double x, y;
    Py_ssize_t order;         /* when the crossing was met: the first one's objects name the point */
    Py_ssize_t v_box, h_box;
    PyObject *x_obj, *y_obj;
} crossing_t;

static int by_point(const void *a, const void *b)
{
    const crossing_t *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return (p->order > q->order) - (p->order < q->order);
}

typedef struct {
    double x, y;
    PyObject *x_obj, *y_obj;
    Py_ssize_t *v_boxes, n_v, *h_boxes, n_h; /* sorted, distinct */
} point_t;

static int by_number(const void *a, const void *b)
{
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

/* not isdisjoint, on sorted numbers */
static int share(const Py_ssize_t *a, Py_ssize_t na, const Py_ssize_t *b, Py_ssize_t nb)
{
    for (Py_ssize_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j])
            return 1;
        if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return 0;
}

static Py_ssize_t distinct(Py_ssize_t *numbers, Py_ssize_t n)
{
    qsort(numbers, (size_t)n, sizeof(Py_ssize_t), by_number);
    Py_ssize_t kept = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (kept == 0 || numbers[kept - 1] != numbers[k])
            numbers[kept++] = numbers[k];
    return kept;
}

/* the point at (x, y) among points sorted by (x, y), or -1 */
static Py_ssize_t find_point(const point_t *points, Py_ssize_t n, double x, double y)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (points[mid].x < x || (points[mid].x == x && points[mid].y < y))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && points[lo].x == x && points[lo].y == y ? lo : -1;
}

/* rules_to_cells(vertical, horizontal, x_tolerance, y_tolerance) -> list of cells, or NotImplemented
 *
 * table_finder.rules_to_intersections: a vertical rule crosses each horizontal one whose
 * top + y_tolerance >= its top and top - y_tolerance <= its bottom, and whose ends reach its x
 * within x_tolerance; each such point (x, h.top), named by the objects of the first crossing
 * met there, holds the boxes of the rules through it.  Then intersections_to_cells: for each
 * point in (x, y) order, the first point below it sharing a vertical box and the first to its
 * right sharing a horizontal one (below first, then right) whose corner is a point joined to
 * both: the cell (x, y, right x, below y). */
static PyObject *rules_to_cells(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "rules_to_cells(vertical: list, horizontal: list, x_tolerance, y_tolerance)");
        return NULL;
    }
    double x_tol, y_tol;
    if (exact_double(args[2], &x_tol) < 0 || exact_double(args[3], &y_tol) < 0)
        Py_RETURN_NOTIMPLEMENTED;

    PyObject *result = NULL;
    rule_t *vertical = NULL, *horizontal = NULL;
    ordered_t *by_tops = NULL;
    crossing_t *crossings = NULL;
    point_t *points = NULL;
    Py_ssize_t *boxes = NULL, *row_order = NULL, *row_place = NULL;
    Py_ssize_t n_v, n_h, n_crossings = 0, capacity = 16, n_points = 0;
    if (read_rules(args[0], &vertical, &n_v) < 0 || read_rules(args[1], &horizontal, &n_h) < 0)
        goto not_implemented;

    /* the horizontal rules by top (stable), and the sums compared, for bisection */
    by_tops = PyMem_New(ordered_t, n_h ? n_h : 1);
    crossings = PyMem_New(crossing_t, capacity);
    if (by_tops == NULL || crossings == NULL)
        goto no_memory;
    for (Py_ssize_t k = 0; k < n_h; k++)
        by_tops[k] = (ordered_t){{horizontal[k].top, 0, 0, 0}, k};
    qsort(by_tops, (size_t)n_h, sizeof(ordered_t), by_top);
    for (Py_ssize_t k = 0; k < n_h; k++)
        by_tops[k].key[1] = horizontal[by_tops[k].index].top + y_tol, by_tops[k].key[2] = horizontal[by_tops[k].index].top - y_tol;

    for (Py_ssize_t i = 0; i < n_v; i++) {
        const rule_t *v = &vertical[i];
        Py_ssize_t lo = 0, hi = n_h; /* bisect_left(tops_plus, v.top) */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (by_tops[mid].key[1] < v->top)
                lo = mid + 1;
            else
                hi = mid;
        }
        Py_ssize_t first = lo;
        lo = 0, hi = n_h; /* bisect_right(tops_minus, v.bottom) */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (v->bottom < by_tops[mid].key[2])
                hi = mid;
            else
                lo = mid + 1;
        }
        for (Py_ssize_t k = first; k < lo; k++) {
            const rule_t *h = &horizontal[by_tops[k].index];
            if (!(v->x0 >= h->x0 - x_tol && v->x0 <= h->x1 + x_tol))
                continue;
            if (n_crossings == capacity) {
                capacity *= 2;
                if (PyMem_Resize(crossings, crossing_t, capacity) == NULL)
                    goto no_memory;
            }
            crossings[n_crossings] = (crossing_t){v->x0, h->top, n_crossings, v->box, h->box, v->x0_obj, h->top_obj};
            n_crossings++;
        }
    }

    /* the points, sorted as sorted(through_v) sorts them, with their boxes */
    qsort(crossings, (size_t)n_crossings, sizeof(crossing_t), by_point);
    points = PyMem_New(point_t, n_crossings ? n_crossings : 1);
    boxes = PyMem_New(Py_ssize_t, 2 * (n_crossings ? n_crossings : 1));
    if (points == NULL || boxes == NULL)
        goto no_memory;
    for (Py_ssize_t k = 0; k < n_crossings;) {
        Py_ssize_t end = k;
        while (end < n_crossings && crossings[end].x == crossings[k].x && crossings[end].y == crossings[k].y)
            end++;
        point_t *p = &points[n_points++];
        p->x = crossings[k].x, p->y = crossings[k].y, p->x_obj = crossings[k].x_obj, p->y_obj = crossings[k].y_obj;
        p->v_boxes = &boxes[2 * k], p->h_boxes = &boxes[2 * k + (end - k)];
        for (Py_ssize_t j = k; j < end; j++)
            p->v_boxes[j - k] = crossings[j].v_box, p->h_boxes[j - k] = crossings[j].h_box;
        p->n_v = distinct(p->v_boxes, end - k), p->n_h = distinct(p->h_boxes, end - k);
        k = end;
    }

    /* each row's points in x order: the points ordered by (y, x) */
    row_order = PyMem_New(Py_ssize_t, n_points ? n_points : 1);
    row_place = PyMem_New(Py_ssize_t, n_points ? n_points : 1);
    ordered_t *rows = PyMem_New(ordered_t, n_points ? n_points : 1);
    if (row_order == NULL || row_place == NULL || rows == NULL) {
        PyMem_Free(rows);
        goto no_memory;
    }
    for (Py_ssize_t k = 0; k < n_points; k++)
        rows[k] = (ordered_t){{points[k].y, points[k].x, 0, 0}, k};
    qsort(rows, (size_t)n_points, sizeof(ordered_t), by_keys);
    for (Py_ssize_t k = 0; k < n_points; k++)
        row_order[k] = rows[k].index, row_place[rows[k].index] = k;
    PyMem_Free(rows);

    result = PyList_New(0);
    if (result == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < n_points; k++) {
        const point_t *p = &points[k];
        for (Py_ssize_t b = k + 1; b < n_points && points[b].x == p->x; b++) {
            const point_t *below = &points[b];
            if (!share(p->v_boxes, p->n_v, below->v_boxes, below->n_v))
                continue;
            for (Py_ssize_t r = row_place[k] + 1; r < n_points && points[row_order[r]].y == p->y; r++) {
                const point_t *right = &points[row_order[r]];
                if (!share(p->h_boxes, p->n_h, right->h_boxes, right->n_h))
                    continue;
                Py_ssize_t c = find_point(points, n_points, right->x, below->y);
                if (c < 0 || !share(points[c].v_boxes, points[c].n_v, right->v_boxes, right->n_v) ||
                    !share(points[c].h_boxes, points[c].n_h, below->h_boxes, below->n_h))
                    continue;
                PyObject *cell = PyTuple_Pack(4, p->x_obj, p->y_obj, right->x_obj, below->y_obj);
                if (cell == NULL || PyList_Append(result, cell) < 0) {
                    Py_XDECREF(cell);
                    goto error;
                }
                Py_DECREF(cell);
                goto next_point;
            }
        }
    next_point:;
    }
    goto done;

no_memory:
    PyErr_NoMemory();
    goto error;
not_implemented:
    if (!PyErr_Occurred())
        result = Py_NewRef(Py_NotImplemented);
    goto done;
error:
    Py_CLEAR(result);
done:
    PyMem_Free(vertical), PyMem_Free(horizontal), PyMem_Free(by_tops), PyMem_Free(crossings);
    PyMem_Free(points), PyMem_Free(boxes), PyMem_Free(row_order), PyMem_Free(row_place);
    return result;
}

/* ---- cells_to_tables ----------------------------------------------------------------- */

/* a set of corners (x, y), compared as Python compares tuples of numbers: -0.0 is 0.0 */
typedef struct {
    double *xy;   /* 2 per slot */
    char *used;
    size_t mask;  /* slots - 1, slots a power of two */
    size_t count;
} corners_t;

static size_t corner_hash(double x, double y)
{
    uint64_t a, b;
    x = x == 0 ? 0.0 : x, y = y == 0 ? 0.0 : y;
    memcpy(&a, &x, 8), memcpy(&b, &y, 8);
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
    return (size_t)(h ^ (h >> 29));
}

static int corners_init(corners_t *set, size_t at_least)
{
    size_t slots = 16;
    while (slots < 2 * at_least)
        slots *= 2;
    set->xy = PyMem_New(double, 2 * slots);
    set->used = PyMem_Calloc(slots, 1);
    set->mask = slots - 1, set->count = 0;
    return set->xy == NULL || set->used == NULL ? -1 : 0;
}

static int corners_has(const corners_t *set, double x, double y)
{
    for (size_t i = corner_hash(x, y) & set->mask; set->used[i]; i = (i + 1) & set->mask)
        if (set->xy[2 * i] == x && set->xy[2 * i + 1] == y)
            return 1;
    return 0;
}

/* slots are sized for every corner of every cell: the set never fills */
static void corners_add(corners_t *set, double x, double y)
{
    size_t i = corner_hash(x, y) & set->mask;
    for (; set->used[i]; i = (i + 1) & set->mask)
        if (set->xy[2 * i] == x && set->xy[2 * i + 1] == y)
            return;
    set->used[i] = 1, set->xy[2 * i] = x, set->xy[2 * i + 1] = y, set->count++;
}

static void corners_clear(corners_t *set)
{
    memset(set->used, 0, set->mask + 1);
    set->count = 0;
}

static int has_duplicates(double (*box)[4], Py_ssize_t n)
{
    ordered_t *sorted = PyMem_New(ordered_t, n ? n : 1);
    if (sorted == NULL)
        return 1;
    for (Py_ssize_t k = 0; k < n; k++)
        sorted[k] = (ordered_t){{box[k][0], box[k][1], box[k][2], box[k][3]}, k};
    qsort(sorted, (size_t)n, sizeof(ordered_t), by_keys);
    int found = 0;
    for (Py_ssize_t k = 1; k < n && !found; k++)
        found = same_keys(sorted[k].key, sorted[k - 1].key);
    PyMem_Free(sorted);
    return found;
}

/* cells_to_tables(cells) -> list of tables (lists of cells), or NotImplemented
 *
 * pdfplumber.table.cells_to_tables: passes over the cells left, in order, each adding to
 * the current table every cell that shares a corner with it (a table starts with the first
 * cell left); a pass that adds none closes the table.  The tables sorted (stably) by their
 * smallest (top, x0), those of one cell left out. */
static PyObject *cells_to_tables(PyObject *module, PyObject *cells)
{
    if (!PyList_CheckExact(cells)) {
        PyErr_SetString(PyExc_TypeError, "cells_to_tables(cells: list)");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(cells), n_left = n, n_tables = 0, placed = 0;
    double (*box)[4] = PyMem_Malloc(sizeof(double[4]) * (size_t)(n ? n : 1));
    Py_ssize_t *left = PyMem_New(Py_ssize_t, n ? n : 1), *order = PyMem_New(Py_ssize_t, n ? n : 1);
    Py_ssize_t *starts = PyMem_New(Py_ssize_t, n + 1); /* table t is order[starts[t]:starts[t + 1]] */
    ordered_t *tables = NULL;
    corners_t corners = {NULL, NULL, 0, 0};
    PyObject *result = NULL;
    if (box == NULL || left == NULL || order == NULL || starts == NULL || corners_init(&corners, 4 * (size_t)n) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *cell = PyList_GET_ITEM(cells, k);
        if (!PyTuple_CheckExact(cell) || PyTuple_GET_SIZE(cell) != 4)
            goto not_implemented;
        for (int j = 0; j < 4; j++)
            if (exact_double(PyTuple_GET_ITEM(cell, j), &box[k][j]) < 0)
                goto not_implemented;
        left[k] = k;
    }
    if (has_duplicates(box, n)) /* pdfplumber's remaining_cells.remove() would take another, equal cell */
        goto not_implemented;
    starts[0] = 0;
    while (n_left) {
        Py_ssize_t before = placed, kept = 0;
        for (Py_ssize_t i = 0; i < n_left; i++) {
            const double *b = box[left[i]];
            if (placed == starts[n_tables] || corners_has(&corners, b[0], b[1]) || corners_has(&corners, b[0], b[3]) ||
                corners_has(&corners, b[2], b[1]) || corners_has(&corners, b[2], b[3])) {
                corners_add(&corners, b[0], b[1]), corners_add(&corners, b[0], b[3]);
                corners_add(&corners, b[2], b[1]), corners_add(&corners, b[2], b[3]);
                order[placed++] = left[i];
            }
            else
                left[kept++] = left[i];
        }
        n_left = kept;
        if (placed == before) { /* nothing joined: the table is complete */
            starts[++n_tables] = placed;
            corners_clear(&corners);
        }
    }
    if (placed > starts[n_tables])
        starts[++n_tables] = placed;

    /* sorted by each table's smallest (top, x0), stably */
    tables = PyMem_New(ordered_t, n_tables ? n_tables : 1);
    if (tables == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t t = 0; t < n_tables; t++) {
        Py_ssize_t first = order[starts[t]];
        double top = box[first][1], x0 = box[first][0];
        for (Py_ssize_t k = starts[t] + 1; k < starts[t + 1]; k++) {
            const double *b = box[order[k]];
            if (b[1] < top || (b[1] == top && b[0] < x0))
                top = b[1], x0 = b[0];
        }
        tables[t] = (ordered_t){{top, x0, 0, 0}, t};
    }
    qsort(tables, (size_t)n_tables, sizeof(ordered_t), by_keys);
    result = PyList_New(0);
    if (result == NULL)
        goto done;
    for (Py_ssize_t t = 0; t < n_tables; t++) {
        Py_ssize_t from = starts[tables[t].index], to = starts[tables[t].index + 1];
        if (to - from < 2)
            continue;
        PyObject *table = PyList_New(to - from);
        if (table == NULL || PyList_Append(result, table) < 0) {
            Py_XDECREF(table);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(table);
        for (Py_ssize_t k = from; k < to; k++)
            PyList_SET_ITEM(table, k - from, Py_NewRef(PyList_GET_ITEM(cells, order[k])));
    }
    goto done;

not_implemented:
    result = Py_NewRef(Py_NotImplemented);
done:
    PyMem_Free(box), PyMem_Free(left), PyMem_Free(order), PyMem_Free(starts), PyMem_Free(tables);
    PyMem_Free(corners.xy), PyMem_Free(corners.used);
    return result;
}

/* chars_outside(chars, boxes) -> list, or NotImplemented: printed.chars_outside, the characters
   whose centre ((x0 + x1) / 2, (top + bottom) / 2) lies in none of the boxes (x0, top, x1, bottom) */
static PyObject *chars_outside(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "chars_outside(chars: list, boxes: list)");
        return NULL;
    }
    PyObject *chars = args[0], *result = NULL;
    Py_ssize_t n_boxes = PyList_GET_SIZE(args[1]);
    double (*boxes)[4] = PyMem_Malloc(sizeof(double[4]) * (size_t)(n_boxes ? n_boxes : 1));
    if (boxes == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < n_boxes; k++) {
        PyObject *box = PyList_GET_ITEM(args[1], k);
        if (!PyTuple_CheckExact(box) || PyTuple_GET_SIZE(box) != 4)
            goto not_implemented;
        for (int j = 0; j < 4; j++)
            if (exact_double(PyTuple_GET_ITEM(box, j), &boxes[k][j]) < 0)
                goto not_implemented;
    }
    result = PyList_New(0);
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(chars); i++) {
        PyObject *c = PyList_GET_ITEM(chars, i);
        double x0, x1, top, bottom;
        if (item_double(c, K_X0, &x0) < 0 || item_double(c, K_X1, &x1) < 0 || item_double(c, K_TOP, &top) < 0 || item_double(c, K_BOTTOM, &bottom) < 0) {
            Py_CLEAR(result);
            goto not_implemented;
        }
        double x = (x0 + x1) / 2, y = (top + bottom) / 2;
        int inside = 0;
        for (Py_ssize_t k = 0; k < n_boxes && !inside; k++)
            inside = boxes[k][0] <= x && x <= boxes[k][2] && boxes[k][1] <= y && y <= boxes[k][3];
        if (!inside && PyList_Append(result, c) < 0) {
            Py_CLEAR(result);
            goto done;
        }
    }
    goto done;

not_implemented:
    if (!PyErr_Occurred())
        result = Py_NewRef(Py_NotImplemented);
done:
    PyMem_Free(boxes);
    return result;
}

static PyMethodDef methods[] = {
    {"cell_contents", (PyCFunction)(void (*)(void))cell_contents, METH_FASTCALL,
     "cell_contents(chars, bbox, xs, ys, owner, n_cells, touching) -> list of each cell's chars, or NotImplemented"},
    {"cell_text", (PyCFunction)(void (*)(void))cell_text, METH_FASTCALL,
     "cell_text(chars, line_tolerance, space_gap) -> (grid.chars_to_text, the x0 grid._indent measures from), or NotImplemented"},
    {"rules_to_cells", (PyCFunction)(void (*)(void))rules_to_cells, METH_FASTCALL,
     "rules_to_cells(vertical, horizontal, x_tolerance, y_tolerance) -> table_finder's cells, or NotImplemented"},
    {"chars_outside", (PyCFunction)(void (*)(void))chars_outside, METH_FASTCALL, "chars_outside(chars, boxes) -> printed.chars_outside(chars, grids with those bboxes), or NotImplemented"},
    {"cells_to_tables", cells_to_tables, METH_O, "cells_to_tables(cells) -> pdfplumber.table.cells_to_tables(cells), or NotImplemented"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_grid_cells", "Filling a ruled grid's cells, in C (see grid.py).", -1, methods};

PyMODINIT_FUNC PyInit__grid_cells(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
#define STR(var, s) if ((var = PyUnicode_InternFromString(s)) == NULL) return NULL;
    STR(K_X0, "x0") STR(K_X1, "x1") STR(K_TOP, "top") STR(K_BOTTOM, "bottom") STR(K_SIZE, "size") STR(K_TEXT, "text")
    STR(S_ROUND, "__round__") STR(S_STRIP, "strip") STR(EMPTY, "") STR(NEWLINE, "\n") STR(SPACE, " ")
#undef STR
    if ((ONE = PyLong_FromLong(1)) == NULL || PyModule_AddIntConstant(m, "VERSION", GRID_CELLS_VERSION) < 0)
        return NULL;
    return m;
}
