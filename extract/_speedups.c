/* budgetpdf.extract._speedups: the fast page reader's hot loops in C.
 *
 * The pure-Python reader in pages.py is the specification, and stays: this
 * module is optional (a machine without a compiler installs without it, and
 * BUDGETPDF_PURE_PYTHON=1 turns it off).  Each function here is a line-for-line
 * translation of its Python twin, giving the same Python objects:
 *
 *   tokens(data)             pages.stream_objects: the tokens of a content stream
 *   execute(interp, data, …) pages._FastInterpreter.execute's loop over one stream
 *   show(seq, …)             pages._FastInterpreter.do_TJ's loop over the glyphs
 *   paint_path(device, …)    pages._Collector.paint_path: a path's lines, rects and curves
 *   operators(…)             pdfminer's do_q, do_cm, do_Tm, do_m, do_S, … of the commonest operators
 *
 * The tokenizer matches what pages._TOKEN matches, alternative for alternative
 * (each branch of next_token names the group it stands for).  Numbers are
 * parsed as int() and float() parse them (PyOS_string_to_double is float()'s
 * own parser).  The glyph arithmetic keeps Python's types: an int times an int
 * stays an int, anything with a float is computed in doubles, operation by
 * operation in the order Python evaluates them (built with -ffp-contract=off, so
 * no fused multiply-add merges two roundings into one).  Whatever the C code
 * cannot reproduce exactly (an int beyond 2**53, an operand neither int nor
 * float) raises pages.Unsure, and pdfminer reads the page; the operators leave
 * such a case to pdfminer's own method instead.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define SPEEDUPS_VERSION 4

/* set by configure() */
static PyObject *Unsure;      /* pages.Unsure */
static PyObject *name_fn;     /* pages._name(raw) -> PSLiteral */
static PyObject *close_dict;  /* pages._close_dict(objs) -> dict */
static PyObject *kwd_fn;      /* pdfminer KWD */
static PyObject *glyph_fn;    /* pages._glyph(font, cid, glyphs) -> (text, width) */

static PyObject *B_LBRACKET, *B_RBRACKET, *B_LBRACE, *B_RBRACE, *B_DLT, *B_DGT;
static PyObject *S_DECODE;
/* the char dict's keys that differ from glyph to glyph */
static PyObject *K_TEXT, *K_SIZE, *K_ADV, *K_MATRIX, *K_X0, *K_Y0, *K_X1, *K_Y1, *K_WIDTH, *K_HEIGHT, *K_TOP, *K_BOTTOM, *K_DOCTOP;

/* ------------------------------------------------------------------ bytes */

/* \s of a bytes pattern: space \t \n \r \v \f */
static unsigned char IS_SPACE[256];
/* skipped before a token: \s and NUL */
static unsigned char IS_SKIP[256];
/* ends a keyword or a name: #/%[]()<>{} and \s (for names, # does not: see NAME_STOP) */
static unsigned char KEYWORD_STOP[256];
static unsigned char NAME_STOP[256];
static unsigned char IS_HEXWS[256];
static signed char HEXVAL[256];

static void init_tables(void)
{
    const char *space = " \t\n\r\v\f";
    for (const char *p = space; *p; p++) {
        IS_SPACE[(unsigned char)*p] = 1;
        IS_SKIP[(unsigned char)*p] = 1;
        KEYWORD_STOP[(unsigned char)*p] = 1;
        NAME_STOP[(unsigned char)*p] = 1;
        IS_HEXWS[(unsigned char)*p] = 1;
    }
    IS_SKIP[0] = 1;
    const char *delims = "#/%[]()<>{}";
    for (const char *p = delims; *p; p++) {
        KEYWORD_STOP[(unsigned char)*p] = 1;
        if (*p != '#')
            NAME_STOP[(unsigned char)*p] = 1;
    }
    for (int c = 0; c < 256; c++)
        HEXVAL[c] = -1;
    for (int c = '0'; c <= '9'; c++)
        HEXVAL[c] = (signed char)(c - '0');
    for (int c = 'a'; c <= 'f'; c++)
        HEXVAL[c] = (signed char)(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; c++)
        HEXVAL[c] = (signed char)(c - 'A' + 10);
    for (int c = 0; c < 256; c++)
        if (HEXVAL[c] >= 0)
            IS_HEXWS[c] = 1;
}

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

static PyObject *unsure(const char *why)
{
    PyErr_SetString(Unsure, why);
    return NULL;
}

/* -------------------------------------------------------------- tokenizer */

enum { T_END, T_KEYWORD, T_NUMBERS, T_REAL, T_INTEGER, T_HEX, T_NAME, T_PLAIN, T_STRING, T_BRACKET, T_NOTHING, T_OPEN_HEX, T_GT, T_BYTE };

typedef struct {
    int kind;
    Py_ssize_t start, end; /* the group's span (for T_STRING: just after its "(") */
    Py_ssize_t next;       /* where the match ends */
} token_t;

/* One number of a run: [-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+), then \s+.  Its end, and where the
   whitespace after it ends, or -1. */
static Py_ssize_t number_unit(const unsigned char *d, Py_ssize_t n, Py_ssize_t i, Py_ssize_t *after)
{
    if (i < n && (d[i] == '+' || d[i] == '-'))
        i++;
    if (i < n && IS_DIGIT(d[i])) {
        while (i < n && IS_DIGIT(d[i]))
            i++;
        if (i < n && d[i] == '.') {
            i++;
            while (i < n && IS_DIGIT(d[i]))
                i++;
        }
    }
    else if (i + 1 < n && d[i] == '.' && IS_DIGIT(d[i + 1])) {
        i++;
        while (i < n && IS_DIGIT(d[i]))
            i++;
    }
    else
        return -1;
    if (i >= n || !IS_SPACE[d[i]])
        return -1;
    Py_ssize_t j = i;
    while (j < n && IS_SPACE[d[j]])
        j++;
    *after = j;
    return i;
}

/* The token at pos, as pages._TOKEN.match(data, pos) finds it. */
static void next_token(const unsigned char *d, Py_ssize_t n, Py_ssize_t pos, token_t *t)
{
    while (pos < n && IS_SKIP[d[pos]])
        pos++;
    if (pos >= n) {
        t->kind = T_END;
        return;
    }
    unsigned char c = d[pos];
    Py_ssize_t i = pos;
    if (IS_ALPHA(c)) { /* keyword */
        i++;
        while (i < n && !KEYWORD_STOP[d[i]])
            i++;
        t->kind = T_KEYWORD, t->start = pos, t->end = i, t->next = i;
        return;
    }
    if (IS_DIGIT(c) || c == '+' || c == '-' || c == '.') {
        Py_ssize_t after, units = 0, last = pos;
        while (number_unit(d, n, last, &after) >= 0) {
            units++;
            last = after;
        }
        if (units >= 2) { /* two or more numbers, each ended by whitespace */
            t->kind = T_NUMBERS, t->start = pos, t->end = last, t->next = last;
            return;
        }
        if (c == '+' || c == '-')
            i++;
        Py_ssize_t j = i;
        while (j < n && IS_DIGIT(d[j]))
            j++;
        if (j + 1 < n && d[j] == '.' && IS_DIGIT(d[j + 1])) { /* real: [-+]?[0-9]*\.[0-9]+ */
            j++;
            while (j < n && IS_DIGIT(d[j]))
                j++;
            t->kind = T_REAL, t->start = pos, t->end = j, t->next = j;
            return;
        }
        if (j > i && j < n && d[j] == '.') { /* real: [-+]?[0-9]+\. */
            t->kind = T_REAL, t->start = pos, t->end = j + 1, t->next = j + 1;
            return;
        }
        if (j > i) { /* integer */
            t->kind = T_INTEGER, t->start = pos, t->end = j, t->next = j;
            return;
        }
        /* nothing: a lone sign (and a dot after it), or a lone dot */
        j = pos + 1;
        if (c != '.' && j < n && d[j] == '.')
            j++;
        t->kind = T_NOTHING, t->start = pos, t->end = j, t->next = j;
        return;
    }
    switch (c) {
    case '<': {
        Py_ssize_t j = pos + 1;
        while (j < n && IS_HEXWS[d[j]])
            j++;
        if (j < n && d[j] == '>' && !(j + 1 < n && d[j + 1] == '>')) { /* hex string and its > */
            t->kind = T_HEX, t->start = pos + 1, t->end = j, t->next = j + 1;
            return;
        }
        if (pos + 1 < n && d[pos + 1] == '<') {
            t->kind = T_BRACKET, t->start = pos, t->end = pos + 2, t->next = pos + 2;
            return;
        }
        t->kind = T_OPEN_HEX, t->start = pos + 1, t->end = j, t->next = j;
        return;
    }
    case '/': {
        Py_ssize_t j = pos + 1;
        while (j < n && !NAME_STOP[d[j]])
            j++;
        t->kind = T_NAME, t->start = pos + 1, t->end = j, t->next = j;
        return;
    }
    case '(': {
        Py_ssize_t j = pos + 1;
        while (j < n && d[j] != '(' && d[j] != ')' && d[j] != '\\')
            j++;
        if (j < n && d[j] == ')') {
            t->kind = T_PLAIN, t->start = pos + 1, t->end = j, t->next = j + 1;
            return;
        }
        t->kind = T_STRING, t->start = pos + 1, t->end = pos + 1, t->next = pos + 1;
        return;
    }
    case '[':
    case ']':
    case '{':
    case '}':
        t->kind = T_BRACKET, t->start = pos, t->end = pos + 1, t->next = pos + 1;
        return;
    case '>':
        if (pos + 1 < n && d[pos + 1] == '>') {
            t->kind = T_BRACKET, t->start = pos, t->end = pos + 2, t->next = pos + 2;
            return;
        }
        t->kind = T_GT, t->start = pos, t->end = pos + 1, t->next = pos + 1;
        return;
    case '%': {
        Py_ssize_t j = pos + 1;
        while (j < n && d[j] != '\r' && d[j] != '\n')
            j++;
        t->kind = T_NOTHING, t->start = pos, t->end = j, t->next = j;
        return;
    }
    default:
        t->kind = T_BYTE, t->start = pos, t->end = pos + 1, t->next = pos + 1;
        return;
    }
}

/* int(token) or float(token): a float where it has a dot */
static PyObject *parse_number(const unsigned char *d, Py_ssize_t start, Py_ssize_t end)
{
    char buf[64];
    Py_ssize_t len = end - start;
    int dot = memchr(d + start, '.', (size_t)len) != NULL;
    if (!dot) {
        Py_ssize_t i = start;
        int negative = 0;
        if (d[i] == '+' || d[i] == '-')
            negative = d[i++] == '-';
        if (end - i <= 18) {
            long long v = 0;
            for (; i < end; i++)
                v = v * 10 + (d[i] - '0');
            return PyLong_FromLongLong(negative ? -v : v);
        }
    }
    if (!dot || len >= (Py_ssize_t)sizeof(buf)) { /* a long one: int(raw) or float(raw) */
        PyObject *raw = PyBytes_FromStringAndSize((const char *)d + start, len);
        if (raw == NULL)
            return NULL;
        PyObject *value = dot ? PyFloat_FromString(raw) : PyObject_CallOneArg((PyObject *)&PyLong_Type, raw);
        Py_DECREF(raw);
        return value;
    }
    memcpy(buf, d + start, (size_t)len);
    buf[len] = 0;
    char *stop;
    double v = PyOS_string_to_double(buf, &stop, NULL);
    if (v == -1.0 && PyErr_Occurred())
        return NULL;
    if (stop != buf + len)
        return unsure("a number float() reads otherwise");
    return PyFloat_FromDouble(v);
}

/* pages._hex: a hex string's bytes; an odd last digit is a byte of its own */
static PyObject *parse_hex(const unsigned char *d, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *out = PyBytes_FromStringAndSize(NULL, (end - start + 1) / 2);
    if (out == NULL)
        return NULL;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    Py_ssize_t k = 0;
    int half = -1;
    for (Py_ssize_t i = start; i < end; i++) {
        int v = HEXVAL[d[i]];
        if (v < 0)
            continue; /* whitespace */
        if (half < 0)
            half = v;
        else {
            o[k++] = (unsigned char)(half * 16 + v);
            half = -1;
        }
    }
    if (half >= 0)
        o[k++] = (unsigned char)half;
    if (_PyBytes_Resize(&out, k) < 0)
        return NULL;
    return out;
}

#define PDFMINER_BUFSIZ 4096

/* pages._string: a literal string with nesting or escapes, from just after its "(" */
static PyObject *parse_string(const unsigned char *d, Py_ssize_t n, Py_ssize_t i, Py_ssize_t *next)
{
    unsigned char small[256];
    unsigned char *out = small;
    Py_ssize_t cap = sizeof(small), k = 0;
    int depth = 1;
    PyObject *result = NULL;
#define PUT(byte)                                                   \
    do {                                                            \
        if (k == cap) {                                             \
            unsigned char *bigger = PyMem_Malloc((size_t)cap * 2); \
            if (bigger == NULL) {                                   \
                PyErr_NoMemory();                                   \
                goto done;                                          \
            }                                                       \
            memcpy(bigger, out, (size_t)k);                         \
            if (out != small)                                       \
                PyMem_Free(out);                                    \
            out = bigger, cap *= 2;                                 \
        }                                                           \
        out[k++] = (unsigned char)(byte);                           \
    } while (0)
    for (;;) {
        Py_ssize_t j = i;
        while (j < n && d[j] != '(' && d[j] != ')' && d[j] != '\\')
            j++;
        if (j >= n) {
            unsure("a string runs past the end of its stream");
            goto done;
        }
        for (Py_ssize_t m = i; m < j; m++)
            PUT(d[m]);
        unsigned char c = d[j];
        if (c == '\\') {
            i = j + 1;
            Py_ssize_t octal = i;
            while (i < n && d[i] >= '0' && d[i] <= '7' && i - octal < 3)
                i++;
            if (i > octal) {
                int code = 0;
                for (Py_ssize_t m = octal; m < i; m++)
                    code = code * 8 + (d[m] - '0');
                if (code > 255) {
                    unsure("an octal escape beyond a byte");
                    goto done;
                }
                PUT(code);
                continue;
            }
            if (i >= n) {
                unsure("a string runs past the end of its stream");
                goto done;
            }
            c = d[i];
            switch (c) {
            case 'b': PUT(8); break;
            case 't': PUT(9); break;
            case 'n': PUT(10); break;
            case 'f': PUT(12); break;
            case 'r': PUT(13); break;
            case '(': PUT(40); break;
            case ')': PUT(41); break;
            case '\\': PUT(92); break;
            case '\r':
                if (i + 1 < n && d[i + 1] == '\n') {
                    if ((i + 1) % PDFMINER_BUFSIZ == 0) {
                        unsure("an escaped line end across pdfminer's read chunks");
                        goto done;
                    }
                    i++;
                }
                break;
            default:
                break; /* an unknown escape drops the character */
            }
            i++;
            continue;
        }
        i = j + 1;
        if (c == '(') {
            depth++;
            PUT(c);
            continue;
        }
        depth--;
        if (!depth) {
            *next = i;
            result = PyBytes_FromStringAndSize((const char *)out, k);
            goto done;
        }
        PUT(c);
    }
#undef PUT
done:
    if (out != small)
        PyMem_Free(out);
    return result;
}

/* The object of a rare token (pages._rare_token): NULL with an error, Py_None for nothing;
   *next is where the next token starts. */
static PyObject *rare_token(const token_t *t, const unsigned char *d, Py_ssize_t n, PyObject *names, Py_ssize_t *next)
{
    int at_end = t->next == n;
    *next = t->next;
    switch (t->kind) {
    case T_HEX:
    case T_OPEN_HEX:
        if (at_end)
            return unsure("a hex string at the end of a stream");
        return parse_hex(d, t->start, t->end);
    case T_NAME: {
        if (at_end)
            return unsure("a name at the end of a stream");
        PyObject *raw = PyBytes_FromStringAndSize((const char *)d + t->start, t->end - t->start);
        if (raw == NULL)
            return NULL;
        PyObject *name = names ? PyDict_GetItemWithError(names, raw) : NULL;
        if (name != NULL) {
            Py_INCREF(name);
            Py_DECREF(raw);
            return name;
        }
        if (PyErr_Occurred()) {
            Py_DECREF(raw);
            return NULL;
        }
        name = PyObject_CallOneArg(name_fn, raw);
        if (name != NULL && names != NULL && PyDict_SetItem(names, raw, name) < 0)
            Py_CLEAR(name);
        Py_DECREF(raw);
        return name;
    }
    case T_PLAIN:
        return PyBytes_FromStringAndSize((const char *)d + t->start, t->end - t->start);
    case T_STRING:
        return parse_string(d, n, t->start, next);
    case T_GT:
        if (at_end)
            return unsure("a > at the end of a stream");
        Py_RETURN_NONE;
    default:
        Py_RETURN_NONE;
    }
}

static int append_numbers(PyObject *list, const unsigned char *d, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t i = start;
    while (i < end) {
        while (i < end && IS_SPACE[d[i]])
            i++;
        Py_ssize_t j = i;
        while (j < end && !IS_SPACE[d[j]])
            j++;
        if (j > i) {
            PyObject *v = parse_number(d, i, j);
            if (v == NULL)
                return -1;
            int r = PyList_Append(list, v);
            Py_DECREF(v);
            if (r < 0)
                return -1;
        }
        i = j;
    }
    return 0;
}

static int get_buffer(PyObject *data, const unsigned char **d, Py_ssize_t *n)
{
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "bytes expected");
        return -1;
    }
    *d = (const unsigned char *)PyBytes_AS_STRING(data);
    *n = PyBytes_GET_SIZE(data);
    return 0;
}

/* tokens(data) -> list: pages.stream_objects(data) */
static PyObject *tokens(PyObject *module, PyObject *data)
{
    const unsigned char *d;
    Py_ssize_t n, pos = 0;
    if (get_buffer(data, &d, &n) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    token_t t;
    for (;;) {
        next_token(d, n, pos, &t);
        if (t.kind == T_END)
            return out;
        pos = t.next;
        PyObject *obj;
        switch (t.kind) {
        case T_NUMBERS:
            if (append_numbers(out, d, t.start, t.end) < 0)
                goto error;
            continue;
        case T_INTEGER:
        case T_REAL:
            obj = parse_number(d, t.start, t.end);
            break;
        case T_KEYWORD:
        case T_BRACKET:
        case T_BYTE: {
            Py_ssize_t len = t.end - t.start;
            if (t.kind == T_KEYWORD && len == 4 && memcmp(d + t.start, "true", 4) == 0)
                obj = Py_NewRef(Py_True);
            else if (t.kind == T_KEYWORD && len == 5 && memcmp(d + t.start, "false", 5) == 0)
                obj = Py_NewRef(Py_False);
            else {
                PyObject *raw = PyBytes_FromStringAndSize((const char *)d + t.start, len);
                if (raw == NULL)
                    goto error;
                obj = PyObject_CallOneArg(kwd_fn, raw);
                Py_DECREF(raw);
            }
            break;
        }
        default:
            obj = rare_token(&t, d, n, NULL, &pos);
            if (obj == Py_None) {
                Py_DECREF(obj);
                continue;
            }
        }
        if (obj == NULL)
            goto error;
        int r = PyList_Append(out, obj);
        Py_DECREF(obj);
        if (r < 0)
            goto error;
    }
error:
    Py_DECREF(out);
    return NULL;
}

/* ------------------------------------------------------ operator dispatch */

/* keyword bytes -> the operators dict's (keyword, method, nargs), for keywords of up to 7 bytes */
#define KW_SLOTS 1024
typedef struct {
    uint64_t key;
    PyObject *entry; /* strong */
} kw_slot;
static kw_slot kw_cache[KW_SLOTS];
static PyObject *kw_cache_dict; /* the operators dict the cache holds entries of (strong) */

static void kw_cache_reset(PyObject *operators)
{
    for (int i = 0; i < KW_SLOTS; i++) {
        kw_cache[i].key = 0;
        Py_CLEAR(kw_cache[i].entry);
    }
    Py_XINCREF(operators);
    Py_XSETREF(kw_cache_dict, operators);
}

/* the operators entry for a keyword (borrowed from the dict or the cache), NULL with an error */
static PyObject *operator_entry(PyObject *operators, PyObject *make_operator, const unsigned char *s, Py_ssize_t len)
{
    uint64_t key = 0;
    kw_slot *slot = NULL;
    if (len <= 7) {
        key = (uint64_t)len;
        for (Py_ssize_t i = 0; i < len; i++)
            key |= (uint64_t)s[i] << (8 * (i + 1));
        if (operators != kw_cache_dict)
            kw_cache_reset(operators);
        slot = &kw_cache[(key * 0x9E3779B97F4A7C15ULL) >> 54];
        if (slot->key == key && slot->entry != NULL)
            return slot->entry;
    }
    PyObject *raw = PyBytes_FromStringAndSize((const char *)s, len);
    if (raw == NULL)
        return NULL;
    PyObject *entry = PyDict_GetItemWithError(operators, raw); /* borrowed */
    if (entry != NULL)
        Py_INCREF(entry);
    else if (!PyErr_Occurred())
        entry = PyObject_CallOneArg(make_operator, raw);
    Py_DECREF(raw);
    if (entry == NULL)
        return NULL;
    if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3) {
        Py_DECREF(entry);
        PyErr_SetString(PyExc_TypeError, "an operator entry is (keyword, method, nargs)");
        return NULL;
    }
    if (slot == NULL) { /* a long keyword: keep it alive in a list of its own */
        static PyObject *long_ones;
        if (long_ones == NULL && (long_ones = PyList_New(0)) == NULL) {
            Py_DECREF(entry);
            return NULL;
        }
        int r = PyList_Append(long_ones, entry);
        Py_DECREF(entry);
        if (r < 0)
            return NULL;
        if (PyList_GET_SIZE(long_ones) > 4096) /* bounded: the entries live on in the dict */
            PyList_SetSlice(long_ones, 0, 2048, NULL);
        return entry;
    }
    slot->key = key;
    Py_XSETREF(slot->entry, entry);
    return entry;
}

static int same_bytes(PyObject *a, PyObject *b)
{
    return a == b || (a != Py_None && b != Py_None && PyBytes_GET_SIZE(a) == PyBytes_GET_SIZE(b) &&
                      memcmp(PyBytes_AS_STRING(a), PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(a)) == 0);
}

/* execute(interp, data, stack, operators, make_operator, names, state) -> None
 *
 * One content stream through pages._FastInterpreter.execute's loop.  state is the list
 * [context, curtype, current] the Python caller carries from one stream to the next
 * (a bracket left open carries on). */
static PyObject *execute(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "execute takes 7 arguments");
        return NULL;
    }
    PyObject *interp = args[0], *data = args[1], *stack = args[2], *operators = args[3], *make_operator = args[4], *names = args[5],
             *state = args[6];
    const unsigned char *d;
    Py_ssize_t n, pos = 0;
    if (get_buffer(data, &d, &n) < 0)
        return NULL;
    if (!PyList_CheckExact(stack) || !PyDict_CheckExact(operators) || !PyDict_CheckExact(names) || !PyList_CheckExact(state) ||
        PyList_GET_SIZE(state) != 3 || !PyList_CheckExact(PyList_GET_ITEM(state, 0)) || !PyList_CheckExact(PyList_GET_ITEM(state, 2))) {
        PyErr_SetString(PyExc_TypeError, "execute: unexpected argument types");
        return NULL;
    }
    PyObject *context = PyList_GET_ITEM(state, 0); /* borrowed: the state list keeps it */
    PyObject *curtype = Py_NewRef(PyList_GET_ITEM(state, 1));
    PyObject *current = Py_NewRef(PyList_GET_ITEM(state, 2));
    PyObject *result = NULL;
    token_t t;
    Py_INCREF(data); /* a method could drop the stream */
    for (;;) {
        next_token(d, n, pos, &t);
        if (t.kind == T_END)
            break;
        pos = t.next;
        PyObject *obj; /* strong */
        int in_context = PyList_GET_SIZE(context) > 0;
        switch (t.kind) {
        case T_KEYWORD:
        case T_BYTE: {
            PyObject *entry = operator_entry(operators, make_operator, d + t.start, t.end - t.start);
            if (entry == NULL)
                goto done;
            PyObject *keyword = PyTuple_GET_ITEM(entry, 0), *method = PyTuple_GET_ITEM(entry, 1);
            long want = PyLong_AsLong(PyTuple_GET_ITEM(entry, 2));
            if (want == -1 && PyErr_Occurred())
                goto done;
            if (keyword == Py_None) {
                if (want < 0) {
                    unsure("an inline image");
                    goto done;
                }
                obj = Py_NewRef(method); /* true or false */
                break;
            }
            if (in_context) {
                obj = Py_NewRef(keyword);
                break;
            }
            if (method == Py_None)
                continue;
            Py_INCREF(entry); /* the cache may drop it while the method runs */
            PyObject *called;
            if (want) {
                Py_ssize_t have = PyList_GET_SIZE(stack);
                if (have < want) {
                    if (PyList_SetSlice(stack, 0, have, NULL) < 0) {
                        Py_DECREF(entry);
                        goto done;
                    }
                    Py_DECREF(entry);
                    continue;
                }
                PyObject *call[16];
                if (want > 15) {
                    Py_DECREF(entry);
                    unsure("an operator of more than 15 operands");
                    goto done;
                }
                call[0] = interp;
                for (long k = 0; k < want; k++)
                    call[k + 1] = Py_NewRef(PyList_GET_ITEM(stack, have - want + k));
                if (PyList_SetSlice(stack, have - want, have, NULL) < 0) {
                    for (long k = 0; k < want; k++)
                        Py_DECREF(call[k + 1]);
                    Py_DECREF(entry);
                    goto done;
                }
                called = PyObject_Vectorcall(method, call, (size_t)want + 1, NULL);
                for (long k = 0; k < want; k++)
                    Py_DECREF(call[k + 1]);
            }
            else
                called = PyObject_Vectorcall(method, &interp, 1, NULL);
            Py_DECREF(entry);
            if (called == NULL)
                goto done;
            Py_DECREF(called);
            continue;
        }
        case T_NUMBERS:
            if (append_numbers(in_context ? current : stack, d, t.start, t.end) < 0)
                goto done;
            continue;
        case T_INTEGER:
        case T_REAL:
            obj = parse_number(d, t.start, t.end);
            if (obj == NULL)
                goto done;
            break;
        case T_BRACKET: {
            unsigned char c = d[t.start];
            PyObject *raw = c == '[' ? B_LBRACKET : c == '{' ? B_LBRACE : c == '<' ? B_DLT : c == ']' ? B_RBRACKET : c == '}' ? B_RBRACE : B_DGT;
            if (c == '[' || c == '{' || c == '<') { /* an opener */
                PyObject *saved = PyTuple_Pack(2, curtype, current);
                if (saved == NULL)
                    goto done;
                int r = PyList_Append(context, saved);
                Py_DECREF(saved);
                if (r < 0)
                    goto done;
                PyObject *fresh = PyList_New(0);
                if (fresh == NULL)
                    goto done;
                Py_SETREF(current, fresh);
                Py_INCREF(raw);
                Py_SETREF(curtype, raw);
                continue;
            }
            PyObject *opener = c == ']' ? B_LBRACKET : c == '}' ? B_LBRACE : B_DLT;
            if (!same_bytes(curtype, opener))
                continue; /* pdfminer ignores a closer that matches nothing */
            PyObject *objs = current; /* strong, handed over */
            Py_ssize_t depth = PyList_GET_SIZE(context);
            PyObject *saved = Py_NewRef(PyList_GET_ITEM(context, depth - 1));
            if (PyList_SetSlice(context, depth - 1, depth, NULL) < 0) {
                Py_DECREF(saved);
                goto done;
            }
            Py_SETREF(curtype, Py_NewRef(PyTuple_GET_ITEM(saved, 0)));
            current = Py_NewRef(PyTuple_GET_ITEM(saved, 1));
            Py_DECREF(saved);
            in_context = PyList_GET_SIZE(context) > 0;
            if (c == '>') {
                obj = PyObject_CallOneArg(close_dict, objs);
                Py_DECREF(objs);
                if (obj == NULL)
                    goto done;
            }
            else
                obj = objs;
            break;
        }
        case T_HEX:
            if (t.next != n) {
                obj = parse_hex(d, t.start, t.end);
                if (obj == NULL)
                    goto done;
                break;
            }
            /* fall through */ /* (at the end of the stream) */
        default:
            obj = rare_token(&t, d, n, names, &pos);
            if (obj == NULL)
                goto done;
            if (obj == Py_None) {
                Py_DECREF(obj);
                continue;
            }
        }
        int r = PyList_Append(in_context ? current : stack, obj);
        Py_DECREF(obj);
        if (r < 0)
            goto done;
    }
    result = Py_NewRef(Py_None);
done:
    Py_DECREF(data);
    /* the caller carries the brackets left open on to its next stream */
    PyList_SetItem(state, 1, curtype);  /* steals */
    PyList_SetItem(state, 2, current);  /* steals */
    return result;
}

/* ------------------------------------------------------------- the glyphs */

/* A number as Python holds it: an int (kept while it is exact in a double) or a float. */
typedef struct {
    int isint;
    long long i;
    double d;
} num;

#define EXACT_INT (1LL << 53)

static int to_num(PyObject *o, num *r)
{
    if (PyFloat_Check(o)) {
        r->isint = 0;
        r->d = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    if (PyLong_Check(o)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (overflow || v > EXACT_INT || v < -EXACT_INT) {
            unsure("an integer beyond 2**53 in a glyph's arithmetic");
            return -1;
        }
        r->isint = 1;
        r->i = v;
        return 0;
    }
    unsure("a number neither int nor float in a glyph's arithmetic");
    return -1;
}

static inline double as_double(num a) { return a.isint ? (double)a.i : a.d; }

static int int_result(long long v, int overflowed, num *r)
{
    if (overflowed || v > EXACT_INT || v < -EXACT_INT) {
        unsure("an integer beyond 2**53 in a glyph's arithmetic");
        return -1;
    }
    r->isint = 1;
    r->i = v;
    return 0;
}

/* a + b, a - b, a * b as Python computes them */
static int add(num a, num b, num *r)
{
    if (a.isint && b.isint) {
        long long v;
        int o = __builtin_add_overflow(a.i, b.i, &v);
        return int_result(v, o, r);
    }
    r->isint = 0;
    r->d = as_double(a) + as_double(b);
    return 0;
}

static int sub(num a, num b, num *r)
{
    if (a.isint && b.isint) {
        long long v;
        int o = __builtin_sub_overflow(a.i, b.i, &v);
        return int_result(v, o, r);
    }
    r->isint = 0;
    r->d = as_double(a) - as_double(b);
    return 0;
}

static int mul(num a, num b, num *r)
{
    if (a.isint && b.isint) {
        long long v;
        int o = __builtin_mul_overflow(a.i, b.i, &v);
        return int_result(v, o, r);
    }
    r->isint = 0;
    r->d = as_double(a) * as_double(b);
    return 0;
}

/* a < b, exact while ints stay within 2**53 */
static inline int less(num a, num b) { return (a.isint && b.isint) ? a.i < b.i : as_double(a) < as_double(b); }
static inline int at_least(num a, num b) { return (a.isint && b.isint) ? a.i >= b.i : as_double(a) >= as_double(b); }
static inline int is_zero(num a) { return a.isint ? a.i == 0 : a.d == 0.0; }

/* min(a, b, c, e) and max(...): the first of the smallest (largest), as Python's builtins */
static num min4(num a, num b, num c, num e)
{
    num r = a;
    if (less(b, r)) r = b;
    if (less(c, r)) r = c;
    if (less(e, r)) r = e;
    return r;
}

static num max4(num a, num b, num c, num e)
{
    num r = a;
    if (less(r, b)) r = b;
    if (less(r, c)) r = c;
    if (less(r, e)) r = e;
    return r;
}

static PyObject *from_num(num a) { return a.isint ? PyLong_FromLongLong(a.i) : PyFloat_FromDouble(a.d); }

#define TRY(expr)          \
    do {                   \
        if ((expr) < 0)    \
            goto error;    \
    } while (0)

/* Sets key to the new object made from a num (stealing it). */
static int set_num(PyObject *dict, PyObject *key, num a)
{
    PyObject *v = from_num(a);
    if (v == NULL)
        return -1;
    int r = PyDict_SetItem(dict, key, v);
    Py_DECREF(v);
    return r;
}

enum { P_DXSCALE, P_CHARSPACE, P_WORDSPACE, P_FONTSIZE, P_SCALING, P_MA, P_MB, P_MC, P_MD, P_ME, P_MF, P_LOW, P_HIGH, P_HEIGHT, P_MB_X0, P_MB_TOP, P_DOCTOP, P_COUNT };

typedef struct {
    num p[P_COUNT];
    PyObject *ma, *mb, *mc, *md; /* borrowed: the matrix's first four, as objects */
    int unrotated;
    PyObject *font, *glyphs, *chars, *template;
} show_t;

/* One glyph: its char dict appended; x moved past it. */
static int one_glyph(show_t *s, PyObject *cid, long cid_value, num *x, num y)
{
    num *p = s->p;
    PyObject *glyph = PyDict_GetItemWithError(s->glyphs, cid); /* borrowed */
    PyObject *owned = NULL;
    if (glyph == NULL) {
        if (PyErr_Occurred())
            return -1;
        PyObject *call[3] = {s->font, cid, s->glyphs};
        glyph = owned = PyObject_Vectorcall(glyph_fn, call, 3, NULL);
        if (glyph == NULL)
            return -1;
    }
    PyObject *char_dict = NULL;
    if (!PyTuple_Check(glyph) || PyTuple_GET_SIZE(glyph) != 2) {
        unsure("a glyph that is not (text, width)");
        goto error;
    }
    num width, adv, t, u, e, f, x0, y0, x1, y1, top;
    TRY(to_num(PyTuple_GET_ITEM(glyph, 1), &width));
    TRY(mul(width, p[P_FONTSIZE], &t));
    TRY(mul(t, p[P_SCALING], &adv));
    num zero = {1, 0, 0.0};
    if (s->unrotated && at_least(adv, zero)) {
        TRY(mul(*x, p[P_MA], &t));
        TRY(add(t, p[P_ME], &e));
        TRY(mul(y, p[P_MD], &t));
        TRY(add(t, p[P_MF], &f));
        x0 = e;
        TRY(mul(p[P_MD], p[P_LOW], &t));
        TRY(add(t, f, &y0));
        TRY(mul(p[P_MA], adv, &t));
        TRY(add(t, e, &x1));
        TRY(mul(p[P_MD], p[P_HIGH], &t));
        TRY(add(t, f, &y1));
    }
    else {
        num left1, bottom1, right1, bottom2, right2, top1, left2, top2;
        TRY(mul(*x, p[P_MA], &t));
        TRY(mul(y, p[P_MC], &u));
        TRY(add(t, u, &t));
        TRY(add(t, p[P_ME], &e));
        TRY(mul(*x, p[P_MB], &t));
        TRY(mul(y, p[P_MD], &u));
        TRY(add(t, u, &t));
        TRY(add(t, p[P_MF], &f));
#define CORNER(out, m1, v1, m2, v2, base) \
        TRY(mul(m1, v1, &t));             \
        TRY(mul(m2, v2, &u));             \
        TRY(add(t, u, &t));               \
        TRY(add(t, base, &out));
        CORNER(left1, p[P_MA], zero, p[P_MC], p[P_LOW], e)
        CORNER(bottom1, p[P_MB], zero, p[P_MD], p[P_LOW], f)
        CORNER(right1, p[P_MA], adv, p[P_MC], p[P_LOW], e)
        CORNER(bottom2, p[P_MB], adv, p[P_MD], p[P_LOW], f)
        CORNER(right2, p[P_MA], adv, p[P_MC], p[P_HIGH], e)
        CORNER(top1, p[P_MB], adv, p[P_MD], p[P_HIGH], f)
        CORNER(left2, p[P_MA], zero, p[P_MC], p[P_HIGH], e)
        CORNER(top2, p[P_MB], zero, p[P_MD], p[P_HIGH], f)
#undef CORNER
        x0 = min4(left1, left2, right1, right2);
        y0 = min4(bottom1, bottom2, top1, top2);
        x1 = max4(left1, left2, right1, right2);
        y1 = max4(bottom1, bottom2, top1, top2);
    }
    TRY(sub(p[P_HEIGHT], y1, &t));
    TRY(add(t, p[P_MB_TOP], &top));

    char_dict = PyDict_Copy(s->template);
    if (char_dict == NULL)
        goto error;
    num size, wid, bottom, doctop, ox0 = x0, ox1 = x1;
    TRY(sub(y1, y0, &size));
    TRY(sub(x1, x0, &wid));
    TRY(sub(p[P_HEIGHT], y0, &t));
    TRY(add(t, p[P_MB_TOP], &bottom));
    TRY(add(p[P_DOCTOP], top, &doctop));
    if (!is_zero(p[P_MB_X0])) {
        TRY(add(x0, p[P_MB_X0], &ox0));
        TRY(add(x1, p[P_MB_X0], &ox1));
    }
    TRY(PyDict_SetItem(char_dict, K_TEXT, PyTuple_GET_ITEM(glyph, 0)));
    TRY(set_num(char_dict, K_SIZE, size));
    TRY(set_num(char_dict, K_ADV, adv));
    {
        PyObject *matrix = PyTuple_New(6);
        if (matrix == NULL)
            goto error;
        PyTuple_SET_ITEM(matrix, 0, Py_NewRef(s->ma));
        PyTuple_SET_ITEM(matrix, 1, Py_NewRef(s->mb));
        PyTuple_SET_ITEM(matrix, 2, Py_NewRef(s->mc));
        PyTuple_SET_ITEM(matrix, 3, Py_NewRef(s->md));
        PyObject *oe = from_num(e), *of = from_num(f);
        if (oe == NULL || of == NULL) {
            Py_XDECREF(oe);
            Py_XDECREF(of);
            Py_DECREF(matrix);
            goto error;
        }
        PyTuple_SET_ITEM(matrix, 4, oe);
        PyTuple_SET_ITEM(matrix, 5, of);
        int r = PyDict_SetItem(char_dict, K_MATRIX, matrix);
        Py_DECREF(matrix);
        TRY(r);
    }
    TRY(set_num(char_dict, K_X0, ox0));
    TRY(set_num(char_dict, K_Y0, y0));
    TRY(set_num(char_dict, K_X1, ox1));
    TRY(set_num(char_dict, K_Y1, y1));
    TRY(set_num(char_dict, K_WIDTH, wid));
    TRY(set_num(char_dict, K_HEIGHT, size));
    TRY(set_num(char_dict, K_TOP, top));
    TRY(set_num(char_dict, K_BOTTOM, bottom));
    TRY(set_num(char_dict, K_DOCTOP, doctop));
    TRY(PyList_Append(s->chars, char_dict));
    Py_CLEAR(char_dict);
    TRY(add(*x, adv, x));
    if (cid_value == 32 && !is_zero(p[P_WORDSPACE]))
        TRY(add(*x, p[P_WORDSPACE], x));
    Py_XDECREF(owned);
    return 0;
error:
    Py_XDECREF(char_dict);
    Py_XDECREF(owned);
    return -1;
}

static int eq(num a, num b) { return (a.isint && b.isint) ? a.i == b.i : as_double(a) == as_double(b); }

/* The glyphs of seq (count items, from a list or one string): the loop of do_TJ. */
static int show_loop(show_t *s, long decoding, PyObject *const *items, Py_ssize_t count, num *xp, num y)
{
    num x = *xp, t;
    int needcharspace = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *obj = items[k];
        if (PyLong_Check(obj) || PyFloat_Check(obj)) {
            num v;
            if (to_num(obj, &v) < 0 || mul(v, s->p[P_DXSCALE], &t) < 0 || sub(x, t, &x) < 0)
                return -1;
            needcharspace = 1;
        }
        else if (PyBytes_Check(obj)) {
            const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(obj);
            Py_ssize_t len = PyBytes_GET_SIZE(obj);
            if (decoding == 1 || decoding == 2) {
                Py_ssize_t step = decoding, end = decoding == 2 ? len - len % 2 : len;
                for (Py_ssize_t i = 0; i < end; i += step) {
                    long code = step == 1 ? b[i] : (b[i] << 8) | b[i + 1];
                    if (needcharspace && add(x, s->p[P_CHARSPACE], &x) < 0)
                        return -1;
                    PyObject *cid = PyLong_FromLong(code);
                    if (cid == NULL)
                        return -1;
                    int r = one_glyph(s, cid, code, &x, y);
                    Py_DECREF(cid);
                    if (r < 0)
                        return -1;
                    needcharspace = 1;
                }
            }
            else {
                PyObject *codes = PyObject_CallMethodOneArg(s->font, S_DECODE, obj);
                if (codes == NULL)
                    return -1;
                PyObject *it = PyObject_GetIter(codes);
                Py_DECREF(codes);
                if (it == NULL)
                    return -1;
                PyObject *cid;
                while ((cid = PyIter_Next(it)) != NULL) {
                    long code = -1;
                    int r = 0;
                    if (PyLong_CheckExact(cid)) {
                        code = PyLong_AsLong(cid);
                        if (code == -1 && PyErr_Occurred())
                            PyErr_Clear(); /* too large: not 32 */
                    }
                    else {
                        unsure("a character code that is not an int");
                        r = -1;
                    }
                    if (r == 0 && needcharspace)
                        r = add(x, s->p[P_CHARSPACE], &x);
                    if (r == 0)
                        r = one_glyph(s, cid, code, &x, y);
                    Py_DECREF(cid);
                    if (r < 0) {
                        Py_DECREF(it);
                        return -1;
                    }
                    needcharspace = 1;
                }
                Py_DECREF(it);
                if (PyErr_Occurred())
                    return -1;
            }
        }
    }
    *xp = x;
    return 0;
}

static PyObject *S_TEXTSTATE, *S_FONT, *S_DEVICE, *S_FONTS, *S_MATRIX, *S_CTM, *S_FONTSIZE, *S_SCALING, *S_CHARSPACE, *S_WORDSPACE, *S_RISE,
    *S_LINEMATRIX, *S_GRAPHICSTATE, *S_SCOLOR, *S_NCOLOR, *S_NCS, *S_NAME, *S_STYLES, *S_CHAR_STYLE, *S_TEMPLATES, *S_OBJECTS, *S_CHAR,
    *S_PAGE;
static PyObject *font_info_fn, *template_fn; /* pages._font_info(device, font), pages._template(device, style, upright) */

static int attr_num(PyObject *obj, PyObject *name, num *r)
{
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL)
        return -1;
    int rc = to_num(v, r);
    Py_DECREF(v);
    return rc;
}

/* six numbers of a matrix (a tuple) */
static int matrix_nums(PyObject *m, num *r)
{
    if (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) != 6) {
        unsure("a matrix that is not a 6-tuple");
        return -1;
    }
    for (int k = 0; k < 6; k++)
        if (to_num(PyTuple_GET_ITEM(m, k), &r[k]) < 0)
            return -1;
    return 0;
}

/* pages._colour_types: a colour's type, or the tuple of its components' types */
static PyObject *colour_types(PyObject *colour)
{
    if (!PyTuple_CheckExact(colour))
        return Py_NewRef((PyObject *)Py_TYPE(colour));
    Py_ssize_t n = PyTuple_GET_SIZE(colour);
    PyObject *types = PyTuple_New(n);
    if (types == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++)
        PyTuple_SET_ITEM(types, k, Py_NewRef((PyObject *)Py_TYPE(PyTuple_GET_ITEM(colour, k))));
    return types;
}

/* pages._FastInterpreter.do_TJ: show the text of seq (items, count) with interp's state. */
static PyObject *show_items(PyObject *interp, PyObject *const *items, Py_ssize_t count)
{
    PyObject *textstate = NULL, *font = NULL, *device = NULL, *fonts = NULL, *info = NULL, *m1 = NULL, *m0 = NULL, *gs = NULL,
             *scolor = NULL, *ncolor = NULL, *ncs = NULL, *space = NULL, *styles = NULL, *key = NULL, *style = NULL, *templates = NULL,
             *tkey = NULL, *template = NULL, *objects = NULL, *chars = NULL, *page = NULL, *linematrix = NULL, *result = NULL;
    PyObject *mobj[4] = {NULL, NULL, NULL, NULL};
    show_t s;
    num a1[6], a0[6], t, u, fontsize, scaling, charspace, wordspace, rise, dxscale, descent, low, high, x, y;
    num zero = {1, 0, 0.0};

    if ((textstate = PyObject_GetAttr(interp, S_TEXTSTATE)) == NULL || (font = PyObject_GetAttr(textstate, S_FONT)) == NULL)
        goto done;
    if (font == Py_None) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if ((device = PyObject_GetAttr(interp, S_DEVICE)) == NULL || (fonts = PyObject_GetAttr(device, S_FONTS)) == NULL)
        goto done;
    if (!PyDict_CheckExact(fonts)) {
        PyErr_SetString(PyExc_TypeError, "device.fonts is a dict");
        goto done;
    }
    /* (glyphs, decoding, multibyte, descent) of the font; vertical text raises Unsure there */
    info = PyDict_GetItemWithError(fonts, font);
    if (info != NULL)
        Py_INCREF(info);
    else if (PyErr_Occurred() || (info = PyObject_CallFunctionObjArgs(font_info_fn, device, font, NULL)) == NULL)
        goto done;
    if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 4) {
        PyErr_SetString(PyExc_TypeError, "a font's info is (glyphs, decoding, multibyte, descent)");
        goto done;
    }
    long decoding = PyLong_AsLong(PyTuple_GET_ITEM(info, 1));
    if (decoding == -1 && PyErr_Occurred())
        goto done;
    int multibyte = PyObject_IsTrue(PyTuple_GET_ITEM(info, 2));
    if (multibyte < 0)
        goto done;

    /* pdfminer's mult_matrix(textstate.matrix, ctm) */
    if ((m1 = PyObject_GetAttr(textstate, S_MATRIX)) == NULL || (m0 = PyObject_GetAttr(interp, S_CTM)) == NULL)
        goto done;
    if (matrix_nums(m1, a1) < 0 || matrix_nums(m0, a0) < 0)
        goto done;
    num *p = s.p;
#define MM(out, l1, r1, l2, r2)                                      \
    if (mul(l1, r1, &t) < 0 || mul(l2, r2, &u) < 0 || add(t, u, &out) < 0) \
        goto done;
    MM(p[P_MA], a0[0], a1[0], a0[2], a1[1])  /* a0 * a1 + c0 * b1 */
    MM(p[P_MB], a0[1], a1[0], a0[3], a1[1])  /* b0 * a1 + d0 * b1 */
    MM(p[P_MC], a0[0], a1[2], a0[2], a1[3])  /* a0 * c1 + c0 * d1 */
    MM(p[P_MD], a0[1], a1[2], a0[3], a1[3])  /* b0 * c1 + d0 * d1 */
    MM(p[P_ME], a0[0], a1[4], a0[2], a1[5])  /* a0 * e1 + c0 * f1 (+ e0) */
    MM(p[P_MF], a0[1], a1[4], a0[3], a1[5])  /* b0 * e1 + d0 * f1 (+ f0) */
#undef MM
    if (add(p[P_ME], a0[4], &p[P_ME]) < 0 || add(p[P_MF], a0[5], &p[P_MF]) < 0)
        goto done;

    num hundredth = {0, 0, 0.01}, thousandth = {0, 0, 0.001};
    if (attr_num(textstate, S_FONTSIZE, &fontsize) < 0 || attr_num(textstate, S_SCALING, &t) < 0 || mul(t, hundredth, &scaling) < 0)
        goto done;
    if (attr_num(textstate, S_CHARSPACE, &t) < 0 || mul(t, scaling, &charspace) < 0)
        goto done;
    if (multibyte)
        wordspace = zero;
    else if (attr_num(textstate, S_WORDSPACE, &t) < 0 || mul(t, scaling, &wordspace) < 0)
        goto done;
    if (attr_num(textstate, S_RISE, &rise) < 0)
        goto done;
    if (mul(thousandth, fontsize, &t) < 0 || mul(t, scaling, &dxscale) < 0)
        goto done;
    if (to_num(PyTuple_GET_ITEM(info, 3), &t) < 0 || mul(t, fontsize, &descent) < 0)
        goto done;
    if (add(descent, rise, &low) < 0 || add(low, fontsize, &high) < 0)
        goto done;
    /* upright = ma * md * scaling > 0 and mb * mc <= 0 */
    int upright;
    if (mul(p[P_MA], p[P_MD], &t) < 0 || mul(t, scaling, &t) < 0)
        goto done;
    upright = less(zero, t);
    if (upright) {
        if (mul(p[P_MB], p[P_MC], &t) < 0)
            goto done;
        upright = at_least(zero, t);
    }
    s.unrotated = eq(p[P_MB], zero) && eq(p[P_MC], zero) && less(zero, p[P_MA]) && less(zero, p[P_MD]) && at_least(high, low);
    p[P_DXSCALE] = dxscale, p[P_CHARSPACE] = charspace, p[P_WORDSPACE] = wordspace, p[P_FONTSIZE] = fontsize, p[P_SCALING] = scaling;
    p[P_LOW] = low, p[P_HIGH] = high;

    /* device.char_style(font, graphicstate), its cache looked up here */
    if ((gs = PyObject_GetAttr(interp, S_GRAPHICSTATE)) == NULL || (scolor = PyObject_GetAttr(gs, S_SCOLOR)) == NULL ||
        (ncolor = PyObject_GetAttr(gs, S_NCOLOR)) == NULL || (ncs = PyObject_GetAttr(gs, S_NCS)) == NULL ||
        (space = PyObject_GetAttr(ncs, S_NAME)) == NULL || (styles = PyObject_GetAttr(device, S_STYLES)) == NULL)
        goto done;
    {
        PyObject *stypes = colour_types(scolor), *ntypes = colour_types(ncolor);
        if (stypes != NULL && ntypes != NULL)
            key = PyTuple_Pack(6, font, space, stypes, scolor, ntypes, ncolor);
        Py_XDECREF(stypes);
        Py_XDECREF(ntypes);
        if (key == NULL)
            goto done;
    }
    style = PyDict_Check(styles) ? PyDict_GetItemWithError(styles, key) : NULL;
    if (style != NULL)
        Py_INCREF(style);
    else if (PyErr_Occurred() || (style = PyObject_CallMethodObjArgs(device, S_CHAR_STYLE, font, gs, NULL)) == NULL)
        goto done;
    /* the char dict with what the glyphs of this call share */
    if ((templates = PyObject_GetAttr(device, S_TEMPLATES)) == NULL || !PyDict_CheckExact(templates))
        goto bad_device;
    {
        PyObject *id = PyLong_FromVoidPtr(style); /* id(style): device.styles keeps it alive */
        if (id == NULL)
            goto done;
        tkey = PyTuple_Pack(2, id, upright ? Py_True : Py_False);
        Py_DECREF(id);
        if (tkey == NULL)
            goto done;
    }
    template = PyDict_GetItemWithError(templates, tkey);
    if (template != NULL)
        Py_INCREF(template);
    else if (PyErr_Occurred() || (template = PyObject_CallFunctionObjArgs(template_fn, device, style, upright ? Py_True : Py_False, NULL)) == NULL)
        goto done;
    /* device.chars() */
    if ((objects = PyObject_GetAttr(device, S_OBJECTS)) == NULL || !PyDict_CheckExact(objects))
        goto bad_device;
    chars = PyDict_GetItemWithError(objects, S_CHAR);
    if (chars != NULL)
        Py_INCREF(chars);
    else if (PyErr_Occurred() || (chars = PyList_New(0)) == NULL || PyDict_SetItem(objects, S_CHAR, chars) < 0)
        goto done;
    /* (height, mediabox x0, mediabox top, doctop) of the page */
    if ((page = PyObject_GetAttr(device, S_PAGE)) == NULL)
        goto done;
    if (!PyTuple_Check(page) || PyTuple_GET_SIZE(page) != 4 || !PyList_CheckExact(chars) || !PyDict_CheckExact(template))
        goto bad_device;
    for (int k = 0; k < 4; k++)
        if (to_num(PyTuple_GET_ITEM(page, k), &p[P_HEIGHT + k]) < 0)
            goto done;
    for (int k = 0; k < 4; k++)
        if ((mobj[k] = from_num(p[P_MA + k])) == NULL)
            goto done;
    s.ma = mobj[0], s.mb = mobj[1], s.mc = mobj[2], s.md = mobj[3];
    s.font = font, s.glyphs = PyTuple_GET_ITEM(info, 0), s.chars = chars, s.template = template;
    if (!PyDict_CheckExact(s.glyphs))
        goto bad_device;

    if ((linematrix = PyObject_GetAttr(textstate, S_LINEMATRIX)) == NULL)
        goto done;
    if (!PyTuple_Check(linematrix) || PyTuple_GET_SIZE(linematrix) != 2) {
        unsure("a line matrix that is not a pair");
        goto done;
    }
    if (to_num(PyTuple_GET_ITEM(linematrix, 0), &x) < 0 || to_num(PyTuple_GET_ITEM(linematrix, 1), &y) < 0)
        goto done;
    if (show_loop(&s, decoding, items, count, &x, y) < 0)
        goto done;
    {
        PyObject *xo = from_num(x);
        if (xo == NULL)
            goto done;
        PyObject *moved = PyTuple_Pack(2, xo, PyTuple_GET_ITEM(linematrix, 1));
        Py_DECREF(xo);
        if (moved == NULL)
            goto done;
        int r = PyObject_SetAttr(textstate, S_LINEMATRIX, moved);
        Py_DECREF(moved);
        if (r < 0)
            goto done;
    }
    result = Py_NewRef(Py_None);
    goto done;
bad_device:
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_TypeError, "show: the device is not pages._Collector");
done:
    Py_XDECREF(textstate), Py_XDECREF(font), Py_XDECREF(device), Py_XDECREF(fonts), Py_XDECREF(info), Py_XDECREF(m1), Py_XDECREF(m0);
    Py_XDECREF(gs), Py_XDECREF(scolor), Py_XDECREF(ncolor), Py_XDECREF(ncs), Py_XDECREF(space), Py_XDECREF(styles), Py_XDECREF(key);
    Py_XDECREF(style), Py_XDECREF(templates), Py_XDECREF(tkey), Py_XDECREF(template), Py_XDECREF(objects), Py_XDECREF(chars);
    Py_XDECREF(page), Py_XDECREF(linematrix);
    for (int k = 0; k < 4; k++)
        Py_XDECREF(mobj[k]);
    return result;
}

/* show_text(interp, seq): TJ */
static PyObject *show_text(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "show_text(interp, seq)");
        return NULL;
    }
    PyObject *items = PySequence_Fast(args[1], "TJ: a sequence");
    if (items == NULL)
        return NULL;
    PyObject *r = show_items(args[0], PySequence_Fast_ITEMS(items), PySequence_Fast_GET_SIZE(items));
    Py_DECREF(items);
    return r;
}

/* show_string(interp, s): Tj, which is TJ of [s] */
static PyObject *show_string(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "show_string(interp, s)");
        return NULL;
    }
    return show_items(args[0], &args[1], 1);
}

/* ------------------------------------------------------------- the dedupe */

static PyObject *S_UPRIGHT, *S_TEXT, *S_DOCTOP_KEY, *S_X0_KEY;

typedef struct {
    double value;
    Py_ssize_t index; /* into the objects being clustered */
} keyed;

static int by_value(const void *a, const void *b)
{
    double x = ((const keyed *)a)->value, y = ((const keyed *)b)->value;
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    Py_ssize_t i = ((const keyed *)a)->index, j = ((const keyed *)b)->index;
    return (i > j) - (i < j); /* stable: the objects keep their order within a value */
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (PyObject *const *)a, y = (uintptr_t) * (PyObject *const *)b;
    return (x > y) - (x < y);
}

/* pages._clusters: each object's cluster number (values within tolerance of the distinct value
   before share one); returns the number of clusters. values[k] is objects k's; work is n long. */
static Py_ssize_t cluster_numbers(const double *values, Py_ssize_t n, double tolerance, keyed *work, Py_ssize_t *cluster)
{
    for (Py_ssize_t k = 0; k < n; k++)
        work[k].value = values[k], work[k].index = k;
    qsort(work, (size_t)n, sizeof(keyed), by_value);
    Py_ssize_t c = 0;
    double last = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        double value = work[k].value;
        if (k > 0 && value != last) { /* the next distinct value */
            if (value > last + tolerance)
                c++;
            last = value;
        }
        else if (k == 0)
            last = value;
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

/* dedupe(chars, tolerance, extra_attrs) -> list, or NotImplemented where a position is not a float
 *
 * pages.dedupe_chars: characters grouped by (upright, text, *extra_attrs) in the order they
 * come; within a group, clusters of doctop, and within each, clusters of x0 (values within
 * the tolerance of the distinct value before); of each cluster the first with the smallest
 * (doctop, x0) kept; the kept in their order. */
static PyObject *dedupe(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_CheckExact(args[0]) || !PyTuple_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "dedupe(chars: list, tolerance, extra_attrs: tuple)");
        return NULL;
    }
    PyObject *chars = args[0], *extra = args[2];
    if (!PyFloat_CheckExact(args[1]) && !PyLong_CheckExact(args[1]))
        Py_RETURN_NOTIMPLEMENTED;
    double tolerance = PyFloat_AsDouble(args[1]);
    if (tolerance == -1.0 && PyErr_Occurred())
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(chars), nextra = PyTuple_GET_SIZE(extra);
    if (n < 2)
        return PyList_GetSlice(chars, 0, n);
    PyObject *groups = PyDict_New(); /* key -> the group's number */
    double *doctop = PyMem_Malloc(sizeof(double) * (size_t)n), *x0 = PyMem_Malloc(sizeof(double) * (size_t)n);
    Py_ssize_t *next = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);  /* the group's next member, -1 at its end */
    Py_ssize_t *head = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);  /* per group: first, in order of groups */
    Py_ssize_t *tail = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);
    Py_ssize_t *size = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);
    char *keep = PyMem_Calloc((size_t)n, 1);
    keyed *work = PyMem_Malloc(sizeof(keyed) * (size_t)n);
    Py_ssize_t *members = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n), *row = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);
    Py_ssize_t *cluster = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n), *xcluster = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);
    double *values = PyMem_Malloc(sizeof(double) * (size_t)n);
    Py_ssize_t *best = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n), *start = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    PyObject *result = NULL;
    Py_ssize_t ngroups = 0;
    if (groups == NULL || !doctop || !x0 || !next || !head || !tail || !size || !keep || !work || !members || !row || !cluster || !xcluster ||
        !values || !best || !start) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(chars, i);
        if (!PyDict_CheckExact(c))
            goto not_implemented;
        PyObject *key = PyTuple_New(2 + nextra);
        if (key == NULL)
            goto done;
        PyObject *parts[2] = {S_UPRIGHT, S_TEXT};
        for (Py_ssize_t k = 0; k < 2 + nextra; k++) {
            PyObject *name = k < 2 ? parts[k] : PyTuple_GET_ITEM(extra, k - 2);
            PyObject *v = PyDict_GetItemWithError(c, name);
            if (v == NULL) {
                Py_DECREF(key);
                if (!PyErr_Occurred())
                    PyErr_SetObject(PyExc_KeyError, name);
                goto done;
            }
            PyTuple_SET_ITEM(key, k, Py_NewRef(v));
        }
        if (float_item(c, S_DOCTOP_KEY, &doctop[i]) < 0 || float_item(c, S_X0_KEY, &x0[i]) < 0) {
            Py_DECREF(key);
            if (PyErr_Occurred())
                goto done;
            goto not_implemented;
        }
        PyObject *g = PyDict_GetItemWithError(groups, key);
        if (g == NULL) {
            if (PyErr_Occurred()) {
                Py_DECREF(key);
                goto done;
            }
            PyObject *number = PyLong_FromSsize_t(ngroups);
            int r = number ? PyDict_SetItem(groups, key, number) : -1;
            Py_XDECREF(number);
            Py_DECREF(key);
            if (r < 0)
                goto done;
            head[ngroups] = tail[ngroups] = i;
            size[ngroups] = 1;
            ngroups++;
        }
        else {
            Py_ssize_t number = PyLong_AsSsize_t(g);
            Py_DECREF(key);
            next[tail[number]] = i;
            tail[number] = i;
            size[number]++;
        }
        next[i] = -1;
    }
    Py_ssize_t kept = 0;
    for (Py_ssize_t g = 0; g < ngroups; g++) {
        if (size[g] == 1) {
            keep[head[g]] = 1, kept++;
            continue;
        }
        Py_ssize_t m = 0;
        for (Py_ssize_t i = head[g]; i >= 0; i = next[i])
            members[m] = i, values[m] = doctop[i], m++;
        Py_ssize_t rows = cluster_numbers(values, m, tolerance, work, cluster);
        /* the members of each row, in their order: counting sort by cluster */
        for (Py_ssize_t r = 0; r <= rows; r++)
            start[r] = 0;
        for (Py_ssize_t k = 0; k < m; k++)
            start[cluster[k] + 1]++;
        for (Py_ssize_t r = 0; r < rows; r++)
            start[r + 1] += start[r];
        for (Py_ssize_t k = 0; k < m; k++)
            row[start[cluster[k]]++] = members[k];
        Py_ssize_t from = 0;
        for (Py_ssize_t r = 0; r < rows; r++) {
            Py_ssize_t to = start[r], len = to - from; /* start[r] is now the end of row r */
            Py_ssize_t *in_row = row + from;
            if (len == 1) {
                keep[in_row[0]] = 1, kept++;
                from = to;
                continue;
            }
            for (Py_ssize_t k = 0; k < len; k++)
                values[k] = x0[in_row[k]];
            Py_ssize_t columns = cluster_numbers(values, len, tolerance, work, xcluster);
            for (Py_ssize_t c = 0; c < columns; c++)
                best[c] = -1;
            for (Py_ssize_t k = 0; k < len; k++) { /* min(same, key=(doctop, x0)): the first smallest */
                Py_ssize_t i = in_row[k], c = xcluster[k], b = best[c];
                if (b < 0 || doctop[i] < doctop[b] || (doctop[i] == doctop[b] && x0[i] < x0[b]))
                    best[c] = i;
            }
            for (Py_ssize_t c = 0; c < columns; c++)
                keep[best[c]] = 1, kept++;
            from = to;
        }
    }
    if (kept < n) {
        /* Python puts the kept back in order by their id: the same object twice in chars would
           stand where it stands last.  Never so in a page's characters; left to Python if so. */
        PyObject **seen = (PyObject **)PyMem_Malloc(sizeof(PyObject *) * (size_t)n);
        if (seen == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        memcpy(seen, PySequence_Fast_ITEMS(chars), sizeof(PyObject *) * (size_t)n);
        qsort(seen, (size_t)n, sizeof(PyObject *), by_address);
        int repeated = 0;
        for (Py_ssize_t i = 1; i < n && !repeated; i++)
            repeated = seen[i] == seen[i - 1];
        PyMem_Free(seen);
        if (repeated)
            goto not_implemented;
    }
    result = PyList_New(kept);
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0, k = 0; i < n; i++)
        if (keep[i])
            PyList_SET_ITEM(result, k++, Py_NewRef(PyList_GET_ITEM(chars, i)));
    goto done;
not_implemented:
    result = Py_NewRef(Py_NotImplemented);
done:
    Py_XDECREF(groups);
    PyMem_Free(doctop), PyMem_Free(x0), PyMem_Free(next), PyMem_Free(head), PyMem_Free(tail), PyMem_Free(size), PyMem_Free(keep);
    PyMem_Free(work), PyMem_Free(members), PyMem_Free(row), PyMem_Free(cluster), PyMem_Free(xcluster), PyMem_Free(values);
    PyMem_Free(best), PyMem_Free(start);
    return result;
}


/* ------------------------------------------------------------------ paths */

static PyObject *S_MB_X0, *S_MB_TOP, *S_HEIGHT, *S_DOCTOP, *S_PAGE_NUMBER, *S_LINEWIDTH, *S_DASH;
static PyObject *K_PTS, *K_LINEWIDTH, *K_STROKE, *K_FILL, *K_EVENODD, *K_STROKING, *K_NON_STROKING, *K_DASH, *K_OBJECT_TYPE,
    *K_PAGE_NUMBER, *K_LINE, *K_RECT, *K_CURVE;

#define INF_NUM ((num){1, 2147483647LL, 0.0}) /* pdfminer.utils.INF */

typedef struct {
    PyObject *device, *gstate, *stroke, *fill, *evenodd, *objects;
    num left, top, height, doctop;
} paint_t;

/* pages._Collector._curve: pdfminer's LTCurve (LTLine, LTRect) as pdfplumber's dict, appended to its kind's list */
static int curve_object(paint_t *p, PyObject *kind, const num *xs, const num *ys, Py_ssize_t n)
{
    PyObject *obj = NULL, *pts = NULL, *v = NULL, *list;
    num x0 = INF_NUM, y0 = INF_NUM, x1 = {1, -2147483647LL, 0.0}, y1 = x1, t, u, obj_top;
    int rc = -1;
    for (Py_ssize_t k = 0; k < n; k++) {  /* min(INF, *xs) and max(-INF, *xs): the first of the extremes */
        if (less(xs[k], x0)) x0 = xs[k];
        if (less(ys[k], y0)) y0 = ys[k];
        if (less(x1, xs[k])) x1 = xs[k];
        if (less(y1, ys[k])) y1 = ys[k];
    }
    if ((obj = PyDict_New()) == NULL || (pts = PyList_New(n)) == NULL)
        goto done;
    num top_height;
    TRY(add(p->top, p->height, &top_height));
    for (Py_ssize_t k = 0; k < n; k++) {  /* (left + x, top + height - y) */
        PyObject *a, *b;
        TRY(add(p->left, xs[k], &t));
        TRY(sub(top_height, ys[k], &u));
        if ((a = from_num(t)) == NULL)
            goto done;
        if ((b = from_num(u)) == NULL) {
            Py_DECREF(a);
            goto done;
        }
        PyObject *point = PyTuple_Pack(2, a, b);
        Py_DECREF(a), Py_DECREF(b);
        if (point == NULL)
            goto done;
        PyList_SET_ITEM(pts, k, point);
    }
    TRY(PyDict_SetItem(obj, K_PTS, pts));
    int shifted = !is_zero(p->left);
    if (shifted)
        TRY(add(x0, p->left, &t));
    TRY(set_num(obj, K_X0, shifted ? t : x0));
    TRY(set_num(obj, K_Y0, y0));
    if (shifted)
        TRY(add(x1, p->left, &t));
    TRY(set_num(obj, K_X1, shifted ? t : x1));
    TRY(set_num(obj, K_Y1, y1));
    TRY(sub(x1, x0, &t));
    TRY(set_num(obj, K_WIDTH, t));
    TRY(sub(y1, y0, &t));
    TRY(set_num(obj, K_HEIGHT, t));
    if ((v = PyObject_GetAttr(p->gstate, S_LINEWIDTH)) == NULL || PyDict_SetItem(obj, K_LINEWIDTH, v) < 0)
        goto done;
    Py_CLEAR(v);
    TRY(PyDict_SetItem(obj, K_STROKE, p->stroke));
    TRY(PyDict_SetItem(obj, K_FILL, p->fill));
    TRY(PyDict_SetItem(obj, K_EVENODD, p->evenodd));
    if ((v = PyObject_GetAttr(p->gstate, S_SCOLOR)) == NULL || PyDict_SetItem(obj, K_STROKING, v) < 0)
        goto done;
    Py_CLEAR(v);
    if ((v = PyObject_GetAttr(p->gstate, S_NCOLOR)) == NULL || PyDict_SetItem(obj, K_NON_STROKING, v) < 0)
        goto done;
    Py_CLEAR(v);
    if ((v = PyObject_GetAttr(p->gstate, S_DASH)) == NULL || PyDict_SetItem(obj, K_DASH, v) < 0)
        goto done;
    Py_CLEAR(v);
    TRY(PyDict_SetItem(obj, K_OBJECT_TYPE, kind));
    if ((v = PyObject_GetAttr(p->device, S_PAGE_NUMBER)) == NULL || PyDict_SetItem(obj, K_PAGE_NUMBER, v) < 0)
        goto done;
    Py_CLEAR(v);
    TRY(sub(p->height, y1, &t));  /* obj_top = (height - y1) + top */
    TRY(add(t, p->top, &obj_top));
    TRY(set_num(obj, K_TOP, obj_top));
    TRY(sub(p->height, y0, &t));
    TRY(add(t, p->top, &u));
    TRY(set_num(obj, K_BOTTOM, u));
    TRY(add(p->doctop, obj_top, &t));
    TRY(set_num(obj, K_DOCTOP, t));
    /* self.objects.setdefault(kind, []).append(obj) */
    list = PyDict_GetItemWithError(p->objects, kind);
    if (list == NULL) {
        if (PyErr_Occurred() || (v = PyList_New(0)) == NULL || PyDict_SetItem(p->objects, kind, v) < 0)
            goto done;
        list = v;
    }
    rc = PyList_Append(list, obj);
    goto done;
error:
    rc = -1;
done:
    Py_XDECREF(v);
    Py_XDECREF(pts);
    Py_XDECREF(obj);
    return rc;
}

/* pages._Collector.paint_path on path[start:end], whose shape (the segments' operators) is shape[start:end] */
static int paint_subpath(paint_t *p, PyObject *path, const char *shape, Py_ssize_t start, Py_ssize_t end, const num *ctm)
{
    Py_ssize_t n = end - start;
    if (n == 0 || shape[start] != 'm')
        return 0;
    Py_ssize_t moves = 0;
    for (Py_ssize_t k = start; k < end; k++)
        moves += shape[k] == 'm';
    if (moves > 1) {  /* each match of m[^m]+: a lone m is no subpath */
        for (Py_ssize_t k = start; k < end;) {
            if (shape[k] != 'm') {
                k++;
                continue;
            }
            Py_ssize_t stop = k + 1;
            while (stop < end && shape[stop] != 'm')
                stop++;
            if (stop > k + 1 && paint_subpath(p, path, shape, k, stop, ctm) < 0)
                return -1;
            k = stop;
        }
        return 0;
    }
    num *xs = (num *)PyMem_Malloc(sizeof(num) * 2 * (size_t)n), *ys = xs + n;
    if (xs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int rc = -1;
    for (Py_ssize_t k = 0; k < n; k++) {  /* the segment's last point (the subpath's first for h), through the ctm */
        PyObject *segment = PyList_GET_ITEM(path, shape[start + k] != 'h' ? start + k : start);
        Py_ssize_t size = PyTuple_GET_SIZE(segment);
        num x, y, t, u;
        if (size < 3) {
            unsure("a path segment without a point");
            goto done;
        }
        if (to_num(PyTuple_GET_ITEM(segment, size - 2), &x) < 0 || to_num(PyTuple_GET_ITEM(segment, size - 1), &y) < 0)
            goto done;
        if (mul(ctm[0], x, &t) < 0 || mul(ctm[2], y, &u) < 0 || add(t, u, &t) < 0 || add(t, ctm[4], &xs[k]) < 0)
            goto done;
        if (mul(ctm[1], x, &t) < 0 || mul(ctm[3], y, &u) < 0 || add(t, u, &t) < 0 || add(t, ctm[5], &ys[k]) < 0)
            goto done;
    }
    /* a closing l back to the start, then h: the h alone closes it */
    char form[8] = {0};
    Py_ssize_t points = n;
    int short_shape = n <= 5;
    if (short_shape)
        memcpy(form, shape + start, (size_t)n);
    if (n > 3 && shape[end - 2] == 'l' && shape[end - 1] == 'h' && eq(xs[n - 2], xs[0]) && eq(ys[n - 2], ys[0])) {
        points = n - 1;
        short_shape = points <= 5;
        if (short_shape) {
            memcpy(form, shape + start, (size_t)(n - 2));
            form[n - 2] = 'h';
            form[n - 1] = 0;
        }
    }
    if (short_shape && (strcmp(form, "mlh") == 0 || strcmp(form, "ml") == 0)) {
        rc = curve_object(p, K_LINE, xs, ys, 2);
    } else if (short_shape && (strcmp(form, "mlllh") == 0 || strcmp(form, "mllll") == 0)) {
        int square = (eq(xs[0], xs[1]) && eq(ys[1], ys[2]) && eq(xs[2], xs[3]) && eq(ys[3], ys[0]))
                     || (eq(ys[0], ys[1]) && eq(xs[1], xs[2]) && eq(ys[2], ys[3]) && eq(xs[3], xs[0]));
        if (eq(xs[0], xs[4]) && eq(ys[0], ys[4]) && square) {
            num rx[4] = {xs[0], xs[2], xs[2], xs[0]}, ry[4] = {ys[0], ys[0], ys[2], ys[2]};
            rc = curve_object(p, K_RECT, rx, ry, 4);
        } else {
            rc = curve_object(p, K_CURVE, xs, ys, points);
        }
    } else {
        rc = curve_object(p, K_CURVE, xs, ys, points);
    }
done:
    PyMem_Free(xs);
    return rc;
}

/* paint_path(device, gstate, stroke, fill, evenodd, path): pages._Collector.paint_path */
static PyObject *paint_path(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "paint_path(device, gstate, stroke, fill, evenodd, path)");
        return NULL;
    }
    PyObject *path = args[5], *ctm_obj = NULL, *result = NULL;
    paint_t p = {.device = args[0], .gstate = args[1], .stroke = args[2], .fill = args[3], .evenodd = args[4]};
    num ctm[6];
    if (!PyList_CheckExact(path)) {
        unsure("a path that is not a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(path);
    char *shape = (char *)PyMem_Malloc((size_t)n + 1);
    if (shape == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < n; k++) {  /* "".join(x[0] for x in path): one letter an operator */
        PyObject *segment = PyList_GET_ITEM(path, k), *op;
        if (!PyTuple_CheckExact(segment) || PyTuple_GET_SIZE(segment) == 0 || !PyUnicode_Check(op = PyTuple_GET_ITEM(segment, 0))
            || PyUnicode_GET_LENGTH(op) != 1 || PyUnicode_READ_CHAR(op, 0) > 127) {
            unsure("a path segment that is not (operator letter, *numbers)");
            goto done;
        }
        shape[k] = (char)PyUnicode_READ_CHAR(op, 0);
    }
    shape[n] = 0;
    if (n == 0 || shape[0] != 'm') {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if ((p.objects = PyObject_GetAttr(p.device, S_OBJECTS)) == NULL || (ctm_obj = PyObject_GetAttr(p.device, S_CTM)) == NULL)
        goto done;
    if (!PyDict_CheckExact(p.objects)) {
        PyErr_SetString(PyExc_TypeError, "device.objects is a dict");
        goto done;
    }
    if (matrix_nums(ctm_obj, ctm) < 0 || attr_num(p.device, S_MB_X0, &p.left) < 0 || attr_num(p.device, S_MB_TOP, &p.top) < 0
        || attr_num(p.device, S_HEIGHT, &p.height) < 0 || attr_num(p.device, S_DOCTOP, &p.doctop) < 0)
        goto done;
    if (paint_subpath(&p, path, shape, 0, n, ctm) == 0)
        result = Py_NewRef(Py_None);
done:
    PyMem_Free(shape);
    Py_XDECREF(p.objects);
    Py_XDECREF(ctm_obj);
    return result;
}

/* -------------------------------------------------------------- operators
 *
 * pdfminer's PDFPageInterpreter.do_* for the commonest operators, without a Python frame each:
 * the same state objects set to the same values, type for type.  pdfminer's safe_float (float())
 * is done here for the ints and floats the tokenizer gives; any other operand, a state that is
 * not as pdfminer leaves it, or arithmetic beyond exact ints, and the operator is left to
 * pdfminer's own method, called with the same operands.
 */

static PyObject *TextState_type, *MATRIX_IDENTITY, *Device_type, *CCollector_type;
static PyObject *S_GSTACK, *S_CURPATH, *S_CSMAP, *S_LEADING, *S_SET_CTM, *S_PAINT_PATH, *S_SCS, *S_DEVICE_GRAY,
    *S_DEVICE_RGB, *S_DEVICE_CMYK, *S_M, *S_L;
static PyObject *ZERO_PAIR, *H_SEGMENT, *EMPTY_TUPLE; /* (0, 0), ("h",), () */

typedef struct op_def op_def;
/* 1 done; 0 not done, nothing changed, no error: pdfminer's method runs; -1 an error */
typedef int (*op_fn)(PyObject *interp, PyObject *const *a, const op_def *op);

struct op_def {
    const char *keyword, *method, *attr_name; /* the operator, pdfminer's method, the attribute it sets */
    int nargs, flags;
    op_fn fn;
    PyMethodDef def;
    PyObject *method_name, *attr;
};

enum { STROKE = 1, FILL = 2, EVENODD = 4, CLOSE = 8, NONSTROKING = 16, LEADING = 32 };

/* float(o), as safe_float takes it, for an int or a float: 0 for anything else */
static int operand(PyObject *o, double *d)
{
    if (PyFloat_CheckExact(o)) {
        *d = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (PyLong_CheckExact(o) || PyBool_Check(o)) {
        *d = PyLong_AsDouble(o);
        if (*d == -1.0 && PyErr_Occurred()) { /* float() overflows: pdfminer's warning */
            PyErr_Clear();
            return 0;
        }
        return 1;
    }
    return 0;
}

static int operands(PyObject *const *a, int n, double *d)
{
    for (int k = 0; k < n; k++)
        if (!operand(a[k], &d[k]))
            return 0;
    return 1;
}

/* a number of the state as a num: 0 where it is not an int (within 2**53) or a float */
static int state_num(PyObject *o, num *r)
{
    if (PyFloat_CheckExact(o)) {
        r->isint = 0;
        r->d = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (!PyLong_CheckExact(o))
        return 0;
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow || v > EXACT_INT || v < -EXACT_INT)
        return 0;
    r->isint = 1, r->i = v;
    return 1;
}

/* the six numbers of a state's matrix: 0 where it is not a 6-tuple of them */
static int state_matrix(PyObject *m, num *r)
{
    if (!PyTuple_CheckExact(m) || PyTuple_GET_SIZE(m) != 6)
        return 0;
    for (int k = 0; k < 6; k++)
        if (!state_num(PyTuple_GET_ITEM(m, k), &r[k]))
            return 0;
    return 1;
}

/* add, sub or mul has left exact ints: pdfminer's method computes it */
static int arith_failed(void)
{
    if (!PyErr_ExceptionMatches(Unsure))
        return -1;
    PyErr_Clear();
    return 0;
}

#define CALC(expr)                      \
    do {                                \
        if ((expr) < 0) {               \
            rc = arith_failed();        \
            goto done;                  \
        }                               \
    } while (0)

static PyObject *float_tuple(const double *d, int n)
{
    PyObject *t = PyTuple_New(n);
    for (int k = 0; t != NULL && k < n; k++) {
        PyObject *v = PyFloat_FromDouble(d[k]);
        if (v == NULL)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, k, v);
    }
    return t;
}

static int set_float(PyObject *obj, PyObject *name, double d)
{
    PyObject *v = PyFloat_FromDouble(d);
    if (v == NULL)
        return -1;
    int r = PyObject_SetAttr(obj, name, v);
    Py_DECREF(v);
    return r;
}

/* an attribute of interp's textstate or graphicstate set to v (stolen) */
static int set_state(PyObject *interp, PyObject *state_name, PyObject *name, PyObject *v)
{
    if (v == NULL)
        return -1;
    PyObject *state = PyObject_GetAttr(interp, state_name);
    int r = state == NULL ? -1 : PyObject_SetAttr(state, name, v);
    Py_XDECREF(state);
    Py_DECREF(v);
    return r;
}

/* whether type(obj) has cls's method of that name (1), another (0), or an error (-1) */
static int same_method(PyObject *obj, PyObject *cls, PyObject *name)
{
    PyObject *mine = PyObject_GetAttr((PyObject *)Py_TYPE(obj), name), *theirs = NULL;
    if (mine == NULL || (theirs = PyObject_GetAttr(cls, name)) == NULL) {
        Py_XDECREF(mine);
        return -1;
    }
    int same = mine == theirs;
    Py_DECREF(mine);
    Py_DECREF(theirs);
    return same;
}

/* self.device.set_ctm(ctm): PDFDevice's sets device.ctm */
static int set_device_ctm(PyObject *interp, PyObject *ctm)
{
    PyObject *device = PyObject_GetAttr(interp, S_DEVICE);
    if (device == NULL)
        return -1;
    int r = same_method(device, Device_type, S_SET_CTM);
    if (r == 1)
        r = PyObject_SetAttr(device, S_CTM, ctm);
    else if (r == 0) {
        PyObject *done = PyObject_CallMethodOneArg(device, S_SET_CTM, ctm);
        r = done == NULL ? -1 : 0;
        Py_XDECREF(done);
    }
    Py_DECREF(device);
    return r;
}

/* pages._copied: a state copied attribute for attribute */
static PyObject *copied(PyObject *state)
{
    PyObject *copy = PyBaseObject_Type.tp_new(Py_TYPE(state), EMPTY_TUPLE, NULL), *mine = NULL, *theirs = NULL;
    if (copy == NULL || (theirs = PyObject_GenericGetDict(state, NULL)) == NULL || (mine = PyDict_Copy(theirs)) == NULL ||
        PyObject_GenericSetDict(copy, mine, NULL) < 0)
        Py_CLEAR(copy);
    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    return copy;
}

/* q: gstack.append(get_current_state()), _FastInterpreter's */
static int op_save(PyObject *interp, PyObject *const *a, const op_def *op)
{
    PyObject *gstack = NULL, *ctm = NULL, *ts = NULL, *gs = NULL, *state = NULL;
    int rc = -1;
    if ((gstack = PyObject_GetAttr(interp, S_GSTACK)) == NULL)
        goto done;
    if (!PyList_CheckExact(gstack)) {
        rc = 0;
        goto done;
    }
    if ((ctm = PyObject_GetAttr(interp, S_CTM)) == NULL || (ts = PyObject_GetAttr(interp, S_TEXTSTATE)) == NULL ||
        (gs = PyObject_GetAttr(interp, S_GRAPHICSTATE)) == NULL)
        goto done;
    Py_SETREF(ts, copied(ts));
    if (ts == NULL)
        goto done;
    Py_SETREF(gs, copied(gs));
    if (gs == NULL || (state = PyTuple_Pack(3, ctm, ts, gs)) == NULL)
        goto done;
    rc = PyList_Append(gstack, state) < 0 ? -1 : 1;
done:
    Py_XDECREF(gstack), Py_XDECREF(ctm), Py_XDECREF(ts), Py_XDECREF(gs), Py_XDECREF(state);
    return rc;
}

/* Q: set_current_state(gstack.pop()) */
static int op_restore(PyObject *interp, PyObject *const *a, const op_def *op)
{
    PyObject *gstack = PyObject_GetAttr(interp, S_GSTACK), *state = NULL;
    int rc = -1;
    if (gstack == NULL)
        goto done;
    if (!PyList_CheckExact(gstack)) {
        rc = 0;
        goto done;
    }
    Py_ssize_t n = PyList_GET_SIZE(gstack);
    if (n == 0) {
        rc = 1;
        goto done;
    }
    state = Py_NewRef(PyList_GET_ITEM(gstack, n - 1));
    if (!PyTuple_CheckExact(state) || PyTuple_GET_SIZE(state) != 3) {
        rc = 0;
        goto done;
    }
    if (PyList_SetSlice(gstack, n - 1, n, NULL) < 0 || PyObject_SetAttr(interp, S_CTM, PyTuple_GET_ITEM(state, 0)) < 0 ||
        PyObject_SetAttr(interp, S_TEXTSTATE, PyTuple_GET_ITEM(state, 1)) < 0 ||
        PyObject_SetAttr(interp, S_GRAPHICSTATE, PyTuple_GET_ITEM(state, 2)) < 0 || set_device_ctm(interp, PyTuple_GET_ITEM(state, 0)) < 0)
        goto done;
    rc = 1;
done:
    Py_XDECREF(gstack);
    Py_XDECREF(state);
    return rc;
}

/* cm: ctm = mult_matrix(safe_matrix(*operands), ctm) */
static int op_concat(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double d[6];
    num m[6], c[6], r[6], t, u;
    PyObject *ctm = NULL, *result = NULL;
    int rc = 0;
    if (!operands(a, 6, d))
        return 0;
    if ((ctm = PyObject_GetAttr(interp, S_CTM)) == NULL)
        return -1;
    if (!state_matrix(ctm, c))
        goto done;
    for (int k = 0; k < 6; k++)
        m[k] = (num){0, 0, d[k]};
    /* (a1, b1, c1, d1, e1, f1) = m, (a0, b0, c0, d0, e0, f0) = c */
    CALC(mul(c[0], m[0], &t)); CALC(mul(c[2], m[1], &u)); CALC(add(t, u, &r[0]));
    CALC(mul(c[1], m[0], &t)); CALC(mul(c[3], m[1], &u)); CALC(add(t, u, &r[1]));
    CALC(mul(c[0], m[2], &t)); CALC(mul(c[2], m[3], &u)); CALC(add(t, u, &r[2]));
    CALC(mul(c[1], m[2], &t)); CALC(mul(c[3], m[3], &u)); CALC(add(t, u, &r[3]));
    CALC(mul(c[0], m[4], &t)); CALC(mul(c[2], m[5], &u)); CALC(add(t, u, &t)); CALC(add(t, c[4], &r[4]));
    CALC(mul(c[1], m[4], &t)); CALC(mul(c[3], m[5], &u)); CALC(add(t, u, &t)); CALC(add(t, c[5], &r[5]));
    rc = -1;
    if ((result = PyTuple_New(6)) == NULL)
        goto done;
    for (int k = 0; k < 6; k++) {
        PyObject *v = from_num(r[k]);
        if (v == NULL)
            goto done;
        PyTuple_SET_ITEM(result, k, v);
    }
    if (PyObject_SetAttr(interp, S_CTM, result) < 0 || set_device_ctm(interp, result) < 0)
        goto done;
    rc = 1;
done:
    Py_XDECREF(ctm);
    Py_XDECREF(result);
    return rc;
}

/* x ** 2 or x ** 0.5 as float.__pow__ computes it, for a finite x >= 0 (of x ** 2, its absolute
   value): 0 where Python would raise OverflowError or the result is out of range */
static int float_pow(double x, double y, double *r)
{
    if (!isfinite(x) || x < 0.0)
        return 0;
    if (x == 0.0 || x == 1.0) {
        *r = x;
        return 1;
    }
    *r = pow(x, y);
    return isfinite(*r) && (*r == 0.0 || fabs(*r) >= DBL_MIN); /* no overflow, no ERANGE underflow */
}

/* w: graphicstate.linewidth = float(linewidth) * (ctm[0] ** 2 + ctm[1] ** 2) ** 0.5 */
static int op_linewidth(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double w, s;
    num c[6], sq[2], sum, t;
    int rc = 0;
    if (!operand(a[0], &w))
        return 0;
    PyObject *ctm = PyObject_GetAttr(interp, S_CTM);
    if (ctm == NULL)
        return -1;
    if (!state_matrix(ctm, c))
        goto done;
    for (int k = 0; k < 2; k++) {
        if (c[k].isint)
            CALC(mul(c[k], c[k], &sq[k]));
        else if (float_pow(fabs(c[k].d), 2.0, &t.d))
            sq[k] = (num){0, 0, t.d};
        else
            goto done;
    }
    CALC(add(sq[0], sq[1], &sum));
    if (!float_pow(as_double(sum), 0.5, &s))
        goto done;
    rc = set_state(interp, S_GRAPHICSTATE, op->attr, PyFloat_FromDouble(w * s)) < 0 ? -1 : 1;
done:
    Py_DECREF(ctm);
    return rc;
}

/* gs (not read by pdfminer), F, W, W*, ET, BX, EX: nothing */
static int op_nothing(PyObject *interp, PyObject *const *a, const op_def *op) { return 1; }

/* curpath.append(segment) (stolen): 0 where curpath is no list */
static int append_segment(PyObject *interp, PyObject *segment)
{
    if (segment == NULL)
        return -1;
    PyObject *path = PyObject_GetAttr(interp, S_CURPATH);
    int r = path == NULL ? -1 : !PyList_CheckExact(path) ? 0 : PyList_Append(path, segment) < 0 ? -1 : 1;
    Py_XDECREF(path);
    Py_DECREF(segment);
    return r;
}

/* m, l, c, v, y: (operator, *float(operands)) appended to curpath */
static int op_segment(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double d[6];
    if (!operands(a, op->nargs, d))
        return 0;
    PyObject *segment = PyTuple_New(op->nargs + 1);
    if (segment == NULL)
        return -1;
    PyTuple_SET_ITEM(segment, 0, Py_NewRef(op->attr));
    for (int k = 0; k < op->nargs; k++) {
        PyObject *v = PyFloat_FromDouble(d[k]);
        if (v == NULL) {
            Py_DECREF(segment);
            return -1;
        }
        PyTuple_SET_ITEM(segment, k + 1, v);
    }
    return append_segment(interp, segment);
}

/* h */
static int op_close(PyObject *interp, PyObject *const *a, const op_def *op) { return append_segment(interp, Py_NewRef(H_SEGMENT)); }

/* re: m, l, l, l, h */
static int op_rect(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double d[4];
    if (!operands(a, 4, d))
        return 0;
    PyObject *path = PyObject_GetAttr(interp, S_CURPATH);
    if (path == NULL)
        return -1;
    int rc = 0;
    if (PyList_CheckExact(path)) {
        double x = d[0], y = d[1], xw = d[0] + d[2], yh = d[1] + d[3];
        double pts[4][2] = {{x, y}, {xw, y}, {xw, yh}, {x, yh}};
        rc = 1;
        for (int k = 0; k < 5 && rc == 1; k++) {
            PyObject *segment = k == 4 ? Py_NewRef(H_SEGMENT) : Py_BuildValue("(Odd)", k ? S_L : S_M, pts[k][0], pts[k][1]);
            rc = segment == NULL || PyList_Append(path, segment) < 0 ? -1 : 1;
            Py_XDECREF(segment);
        }
    }
    Py_DECREF(path);
    return rc;
}

/* S, s, f, f*, B, B*, b, b*, n: device.paint_path(graphicstate, stroke, fill, evenodd, curpath), curpath = [] */
static int op_paint(PyObject *interp, PyObject *const *a, const op_def *op)
{
    PyObject *args[6] = {NULL, NULL, NULL, NULL, NULL, NULL}, *painted = NULL, *fresh = NULL;
    int rc = -1;
    if (op->flags & CLOSE) {
        int r = op_close(interp, a, op);
        if (r <= 0) /* the h left to pdfminer: do_s as well */
            return r;
    }
    if (op->flags & (STROKE | FILL)) {
        if ((args[0] = PyObject_GetAttr(interp, S_DEVICE)) == NULL || (args[1] = PyObject_GetAttr(interp, S_GRAPHICSTATE)) == NULL ||
            (args[5] = PyObject_GetAttr(interp, S_CURPATH)) == NULL)
            goto done;
        args[2] = op->flags & STROKE ? Py_True : Py_False;
        args[3] = op->flags & FILL ? Py_True : Py_False;
        args[4] = op->flags & EVENODD ? Py_True : Py_False;
        int ours = same_method(args[0], CCollector_type, S_PAINT_PATH);
        if (ours < 0)
            goto done;
        if (ours) /* _CCollector.paint_path: _speedups.paint_path */
            painted = paint_path(NULL, args, 6);
        else
            painted = PyObject_VectorcallMethod(S_PAINT_PATH, args, 6 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        if (painted == NULL)
            goto done;
    }
    if ((fresh = PyList_New(0)) == NULL || PyObject_SetAttr(interp, S_CURPATH, fresh) < 0)
        goto done;
    rc = 1;
done:
    Py_XDECREF(args[0]), Py_XDECREF(args[1]), Py_XDECREF(args[5]), Py_XDECREF(painted), Py_XDECREF(fresh);
    return rc;
}

/* interp.<name>[key] (new; the maps are dicts, csmap an OrderedDict), NULL without an error where it is not there */
static PyObject *resource(PyObject *interp, PyObject *name, PyObject *key)
{
    PyObject *map = PyObject_GetAttr(interp, name), *found;
    if (map == NULL)
        return NULL;
    found = PyObject_GetItem(map, key);
    if (found == NULL && PyErr_ExceptionMatches(PyExc_KeyError))
        PyErr_Clear();
    Py_DECREF(map);
    return found;
}

/* G, g, RG, rg, K, k: the colour (a float, or a tuple of them), then its space */
static int op_colour(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double d[4];
    if (!operands(a, op->nargs, d))
        return 0;
    PyObject *space = resource(interp, S_CSMAP, op->nargs == 1 ? S_DEVICE_GRAY : op->nargs == 3 ? S_DEVICE_RGB : S_DEVICE_CMYK);
    if (space == NULL)
        return PyErr_Occurred() ? -1 : 0;
    PyObject *colour = op->nargs == 1 ? PyFloat_FromDouble(d[0]) : float_tuple(d, op->nargs);
    int nonstroking = op->flags & NONSTROKING;
    if (set_state(interp, S_GRAPHICSTATE, nonstroking ? S_NCOLOR : S_SCOLOR, colour) < 0) {
        Py_DECREF(space);
        return -1;
    }
    return set_state(interp, S_GRAPHICSTATE, nonstroking ? S_NCS : S_SCS, space) < 0 ? -1 : 1;
}

/* BT: textstate.reset() */
static int op_begin_text(PyObject *interp, PyObject *const *a, const op_def *op)
{
    PyObject *ts = PyObject_GetAttr(interp, S_TEXTSTATE);
    if (ts == NULL)
        return -1;
    int rc = 0; /* another class's reset left to it */
    if ((PyObject *)Py_TYPE(ts) == TextState_type)
        rc = PyObject_SetAttr(ts, S_MATRIX, MATRIX_IDENTITY) < 0 || PyObject_SetAttr(ts, S_LINEMATRIX, ZERO_PAIR) < 0 ? -1 : 1;
    Py_DECREF(ts);
    return rc;
}

/* Tm: textstate.matrix = safe_matrix(*operands), linematrix = (0, 0) */
static int op_text_matrix(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double d[6];
    if (!operands(a, 6, d))
        return 0;
    PyObject *ts = PyObject_GetAttr(interp, S_TEXTSTATE), *matrix = NULL;
    int rc = ts == NULL || (matrix = float_tuple(d, 6)) == NULL || PyObject_SetAttr(ts, S_MATRIX, matrix) < 0 ||
             PyObject_SetAttr(ts, S_LINEMATRIX, ZERO_PAIR) < 0 ? -1 : 1;
    Py_XDECREF(ts);
    Py_XDECREF(matrix);
    return rc;
}

/* Td, TD: the text matrix moved by (tx, ty); TD sets leading to ty */
static int op_move(PyObject *interp, PyObject *const *a, const op_def *op)
{
    double d[2];
    num m[6], tx, ty, t, u, e, f;
    PyObject *ts = NULL, *matrix = NULL, *moved = NULL;
    int rc = 0;
    if (!operands(a, 2, d))
        return 0;
    if ((ts = PyObject_GetAttr(interp, S_TEXTSTATE)) == NULL || (matrix = PyObject_GetAttr(ts, S_MATRIX)) == NULL)
        goto error;
    if (!state_matrix(matrix, m))
        goto done;
    tx = (num){0, 0, d[0]}, ty = (num){0, 0, d[1]};
    CALC(mul(tx, m[0], &t)); CALC(mul(ty, m[2], &u)); CALC(add(t, u, &t)); CALC(add(t, m[4], &e)); /* tx * a + ty * c + e */
    CALC(mul(tx, m[1], &t)); CALC(mul(ty, m[3], &u)); CALC(add(t, u, &t)); CALC(add(t, m[5], &f)); /* tx * b + ty * d + f */
    PyObject *oe = from_num(e), *of = oe == NULL ? NULL : from_num(f);
    if (of == NULL) {
        Py_XDECREF(oe);
        goto error;
    }
    moved = PyTuple_Pack(6, PyTuple_GET_ITEM(matrix, 0), PyTuple_GET_ITEM(matrix, 1), PyTuple_GET_ITEM(matrix, 2), PyTuple_GET_ITEM(matrix, 3), oe, of);
    Py_DECREF(oe), Py_DECREF(of);
    if (moved == NULL || PyObject_SetAttr(ts, S_MATRIX, moved) < 0)
        goto error;
    if (op->flags & LEADING && set_float(ts, S_LEADING, d[1]) < 0)
        goto error;
    rc = PyObject_SetAttr(ts, S_LINEMATRIX, ZERO_PAIR) < 0 ? -1 : 1;
    goto done;
error:
    rc = -1;
done:
    Py_XDECREF(ts), Py_XDECREF(matrix), Py_XDECREF(moved);
    return rc;
}

#undef CALC

static PyObject *run_operator(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#define OP(keyword, method, nargs, fn, attr, flags) {keyword, method, attr, nargs, flags, fn, {method, (PyCFunction)(void (*)(void))run_operator, METH_FASTCALL, NULL}, NULL, NULL}
static op_def OPERATORS[] = {
    OP("q", "do_q", 0, op_save, NULL, 0),
    OP("Q", "do_Q", 0, op_restore, NULL, 0),
    OP("cm", "do_cm", 6, op_concat, NULL, 0),
    OP("w", "do_w", 1, op_linewidth, "linewidth", 0),
    OP("gs", "do_gs", 1, op_nothing, NULL, 0),
    OP("m", "do_m", 2, op_segment, "m", 0),
    OP("l", "do_l", 2, op_segment, "l", 0),
    OP("c", "do_c", 6, op_segment, "c", 0),
    OP("v", "do_v", 4, op_segment, "v", 0),
    OP("y", "do_y", 4, op_segment, "y", 0),
    OP("h", "do_h", 0, op_close, NULL, 0),
    OP("re", "do_re", 4, op_rect, NULL, 0),
    OP("S", "do_S", 0, op_paint, NULL, STROKE),
    OP("s", "do_s", 0, op_paint, NULL, CLOSE | STROKE),
    OP("f", "do_f", 0, op_paint, NULL, FILL),
    OP("F", "do_F", 0, op_nothing, NULL, 0),
    OP("f*", "do_f_a", 0, op_paint, NULL, FILL | EVENODD),
    OP("B", "do_B", 0, op_paint, NULL, STROKE | FILL),
    OP("B*", "do_B_a", 0, op_paint, NULL, STROKE | FILL | EVENODD),
    OP("b", "do_b", 0, op_paint, NULL, CLOSE | STROKE | FILL),
    OP("b*", "do_b_a", 0, op_paint, NULL, CLOSE | STROKE | FILL | EVENODD),
    OP("n", "do_n", 0, op_paint, NULL, 0),
    OP("W", "do_W", 0, op_nothing, NULL, 0),
    OP("W*", "do_W_a", 0, op_nothing, NULL, 0),
    OP("G", "do_G", 1, op_colour, NULL, 0),
    OP("g", "do_g", 1, op_colour, NULL, NONSTROKING),
    OP("RG", "do_RG", 3, op_colour, NULL, 0),
    OP("rg", "do_rg", 3, op_colour, NULL, NONSTROKING),
    OP("K", "do_K", 4, op_colour, NULL, 0),
    OP("k", "do_k", 4, op_colour, NULL, NONSTROKING),
    OP("BT", "do_BT", 0, op_begin_text, NULL, 0),
    OP("ET", "do_ET", 0, op_nothing, NULL, 0),
    OP("Tm", "do_Tm", 6, op_text_matrix, NULL, 0),
    OP("Td", "do_Td", 2, op_move, NULL, 0),
    OP("TD", "do_TD", 2, op_move, NULL, LEADING),
};
#undef OP
#define N_OPERATORS ((Py_ssize_t)(sizeof(OPERATORS) / sizeof(OPERATORS[0])))

/* an operator of OPERATORS (self: its index) on interp and its operands; pdfminer's method where
   the operator is not done here */
static PyObject *run_operator(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    const op_def *op = &OPERATORS[PyLong_AsSsize_t(self)];
    if (nargs != op->nargs + 1) {
        PyErr_Format(PyExc_TypeError, "%s takes the interpreter and %d operands", op->keyword, op->nargs);
        return NULL;
    }
    int done = op->fn(args[0], args + 1, op);
    if (done < 0)
        return NULL;
    if (done)
        Py_RETURN_NONE;
    PyObject *method = PyObject_GetAttr(args[0], op->method_name);
    if (method == NULL)
        return NULL;
    PyObject *result = PyObject_Vectorcall(method, args + 1, (size_t)op->nargs, NULL);
    Py_DECREF(method);
    return result;
}

/* operators(PDFTextState, MATRIX_IDENTITY, PDFDevice, _CCollector) -> {keyword: (function, nargs)} */
static PyObject *operators(PyObject *module, PyObject *args)
{
    PyObject *ts, *identity, *device, *collector;
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyType_Type, &ts, &PyTuple_Type, &identity, &PyType_Type, &device, &PyType_Type, &collector))
        return NULL;
    Py_XSETREF(TextState_type, Py_NewRef(ts));
    Py_XSETREF(MATRIX_IDENTITY, Py_NewRef(identity));
    Py_XSETREF(Device_type, Py_NewRef(device));
    Py_XSETREF(CCollector_type, Py_NewRef(collector));
    PyObject *table = PyDict_New();
    for (Py_ssize_t k = 0; table != NULL && k < N_OPERATORS; k++) {
        op_def *op = &OPERATORS[k];
        PyObject *index = PyLong_FromSsize_t(k), *fn = NULL, *entry = NULL;
        if (index != NULL && (fn = PyCFunction_NewEx(&op->def, index, module)) != NULL)
            entry = Py_BuildValue("(Oi)", fn, op->nargs);
        if (entry == NULL || PyDict_SetItemString(table, op->keyword, entry) < 0) /* str keys: pages.py encodes them */
            Py_CLEAR(table);
        Py_XDECREF(index), Py_XDECREF(fn), Py_XDECREF(entry);
    }
    return table;
}

static int init_operators(void)
{
#define STR(var, s) if ((var = PyUnicode_InternFromString(s)) == NULL) return -1;
    STR(S_GSTACK, "gstack") STR(S_CURPATH, "curpath") STR(S_CSMAP, "csmap") STR(S_LEADING, "leading")
    STR(S_SET_CTM, "set_ctm") STR(S_PAINT_PATH, "paint_path") STR(S_SCS, "scs") STR(S_M, "m") STR(S_L, "l")
    STR(S_DEVICE_GRAY, "DeviceGray") STR(S_DEVICE_RGB, "DeviceRGB") STR(S_DEVICE_CMYK, "DeviceCMYK")
#undef STR
    if ((ZERO_PAIR = Py_BuildValue("(ii)", 0, 0)) == NULL || (H_SEGMENT = Py_BuildValue("(s)", "h")) == NULL ||
        (EMPTY_TUPLE = PyTuple_New(0)) == NULL)
        return -1;
    for (Py_ssize_t k = 0; k < N_OPERATORS; k++) {
        op_def *op = &OPERATORS[k];
        if ((op->method_name = PyUnicode_InternFromString(op->method)) == NULL)
            return -1;
        if (op->attr_name != NULL && (op->attr = PyUnicode_InternFromString(op->attr_name)) == NULL)
            return -1;
    }
    return 0;
}

/* ----------------------------------------------------------------- module */

static PyObject *configure(PyObject *module, PyObject *args)
{
    PyObject *u, *nf, *cd, *kw, *gf, *fi, *tf;
    if (!PyArg_ParseTuple(args, "OOOOOOO", &u, &nf, &cd, &kw, &gf, &fi, &tf))
        return NULL;
    Py_INCREF(fi), Py_INCREF(tf);
    Py_XSETREF(font_info_fn, fi);
    Py_XSETREF(template_fn, tf);
    Py_INCREF(u), Py_INCREF(nf), Py_INCREF(cd), Py_INCREF(kw), Py_INCREF(gf);
    Py_XSETREF(Unsure, u);
    Py_XSETREF(name_fn, nf);
    Py_XSETREF(close_dict, cd);
    Py_XSETREF(kwd_fn, kw);
    Py_XSETREF(glyph_fn, gf);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS, "configure(Unsure, name, close_dict, KWD, glyph, font_info, template): the Python helpers"},
    {"tokens", tokens, METH_O, "tokens(data) -> list: the objects of a content stream, as pages.stream_objects"},
    {"execute", (PyCFunction)(void (*)(void))execute, METH_FASTCALL, "execute(interp, data, stack, operators, make_operator, names, state)"},
    {"dedupe", (PyCFunction)(void (*)(void))dedupe, METH_FASTCALL, "dedupe(chars, tolerance, extra_attrs) -> list: pages.dedupe_chars"},
    {"show_text", (PyCFunction)(void (*)(void))show_text, METH_FASTCALL, "show_text(interp, seq): the TJ operator"},
    {"show_string", (PyCFunction)(void (*)(void))show_string, METH_FASTCALL, "show_string(interp, s): the Tj operator"},
    {"paint_path", (PyCFunction)(void (*)(void))paint_path, METH_FASTCALL, "paint_path(device, gstate, stroke, fill, evenodd, path): a path's lines, rects and curves"},
    {"operators", operators, METH_VARARGS, "operators(PDFTextState, MATRIX_IDENTITY, PDFDevice, _CCollector) -> {keyword: (function, nargs)}"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_speedups", "The fast page reader's hot loops in C (see pages.py).", -1, methods};

PyMODINIT_FUNC PyInit__speedups(void)
{
    init_tables();
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
#define BYTES(var, s) if ((var = PyBytes_FromString(s)) == NULL) return NULL;
#define STR(var, s) if ((var = PyUnicode_InternFromString(s)) == NULL) return NULL;
    BYTES(B_LBRACKET, "[") BYTES(B_RBRACKET, "]") BYTES(B_LBRACE, "{") BYTES(B_RBRACE, "}") BYTES(B_DLT, "<<") BYTES(B_DGT, ">>")
    STR(S_DECODE, "decode")
    STR(K_TEXT, "text") STR(K_SIZE, "size") STR(K_ADV, "adv") STR(K_MATRIX, "matrix") STR(K_X0, "x0") STR(K_Y0, "y0")
    STR(K_X1, "x1") STR(K_Y1, "y1") STR(K_WIDTH, "width") STR(K_HEIGHT, "height") STR(K_TOP, "top") STR(K_BOTTOM, "bottom")
    STR(K_DOCTOP, "doctop")
    STR(S_TEXTSTATE, "textstate") STR(S_FONT, "font") STR(S_DEVICE, "device") STR(S_FONTS, "fonts") STR(S_MATRIX, "matrix")
    STR(S_CTM, "ctm") STR(S_FONTSIZE, "fontsize") STR(S_SCALING, "scaling") STR(S_CHARSPACE, "charspace") STR(S_WORDSPACE, "wordspace")
    STR(S_RISE, "rise") STR(S_LINEMATRIX, "linematrix") STR(S_GRAPHICSTATE, "graphicstate") STR(S_SCOLOR, "scolor")
    STR(S_NCOLOR, "ncolor") STR(S_NCS, "ncs") STR(S_NAME, "name") STR(S_STYLES, "styles") STR(S_CHAR_STYLE, "char_style")
    STR(S_UPRIGHT, "upright") STR(S_TEXT, "text") STR(S_DOCTOP_KEY, "doctop") STR(S_X0_KEY, "x0")
    STR(S_TEMPLATES, "templates") STR(S_OBJECTS, "objects") STR(S_CHAR, "char") STR(S_PAGE, "page_box")
    STR(S_MB_X0, "mb_x0") STR(S_MB_TOP, "mb_top") STR(S_HEIGHT, "height") STR(S_DOCTOP, "doctop") STR(S_PAGE_NUMBER, "page_number")
    STR(S_LINEWIDTH, "linewidth") STR(S_DASH, "dash")
    STR(K_PTS, "pts") STR(K_LINEWIDTH, "linewidth") STR(K_STROKE, "stroke") STR(K_FILL, "fill") STR(K_EVENODD, "evenodd")
    STR(K_STROKING, "stroking_color") STR(K_NON_STROKING, "non_stroking_color") STR(K_DASH, "dash") STR(K_OBJECT_TYPE, "object_type")
    STR(K_PAGE_NUMBER, "page_number") STR(K_LINE, "line") STR(K_RECT, "rect") STR(K_CURVE, "curve")
#undef BYTES
#undef STR
    if (init_operators() < 0 || PyModule_AddIntConstant(m, "VERSION", SPEEDUPS_VERSION) < 0)
        return NULL;
    return m;
}
