//! Plain-text tables (comfy-table: display width, so Chinese names align) and prose lines, both
//! fitted to the output width: `COLUMNS` when set, else the terminal's width, else 100.

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table};
use std::io::IsTerminal;
use unicode_width::UnicodeWidthStr;

/// Column alignment.
#[derive(Clone, Copy)]
pub enum Align {
    Left,
    Right,
}

/// Output width when standard output is not a terminal and `COLUMNS` is not set.
pub const DEFAULT_WIDTH: u16 = 100;

/// The width text is fitted to.
pub fn output_width() -> u16 {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w >= 40)
    {
        return w;
    }
    if std::io::stdout().is_terminal() {
        if let Some(w) = Table::new().width() {
            return w.max(40);
        }
    }
    DEFAULT_WIDTH
}

/// Columns at most this wide never wrap (numbers, kinds, modes, countries).
const SHORT_COLUMN: u16 = 13;

/// Renders rows under a header, columns separated by two spaces, fitted to [`output_width`].
/// Right-aligned (numeric) and short columns keep their width; long text columns wrap. When the
/// last column is text and would be left fewer than [`MIN_TEXT_COLUMN`] columns, it is printed
/// instead under each row, indented and wrapped to the full width; when the other columns do
/// not fit either, they wrap and the texts follow the table, numbered by the first column.
pub fn render(header: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let width = output_width();
    let n = header.len();
    if n > 1 && matches!(align[n - 1], Align::Left) {
        let rest = table(
            &header[..n - 1],
            &align[..n - 1],
            rows,
            Some(n - 1),
            width,
            true,
        );
        let rest_width = rest
            .column_max_content_widths()
            .iter()
            .map(|w| w + 2)
            .sum::<u16>();
        let last_width = rows
            .iter()
            .map(|r| display_width(&r[n - 1]))
            .chain([display_width(header[n - 1])])
            .max()
            .unwrap_or(0);
        let room = width.saturating_sub(rest_width);
        if rest_width <= width && room < MIN_TEXT_COLUMN.min(last_width) {
            let lines: Vec<String> = rest.lines().map(|l| l.trim_end().to_string()).collect();
            if lines.len() == rows.len() + 1 {
                let mut out = String::new();
                for (i, line) in lines.iter().enumerate() {
                    out.push_str(line);
                    out.push('\n');
                    if i > 0 && !rows[i - 1][n - 1].is_empty() {
                        let note = format!("      {}", rows[i - 1][n - 1]);
                        out.push_str(&wrap(&note, 6));
                        out.push('\n');
                    }
                }
                return out;
            }
        }
        if rest_width > width {
            // Even without the text the columns do not fit: wrap them, and list the texts
            // after the table by row number (the first column).
            let t = table(
                &header[..n - 1],
                &align[..n - 1],
                rows,
                Some(n - 1),
                width,
                false,
            );
            let mut out: String = t.lines().map(|l| l.trim_end().to_string() + "\n").collect();
            out.push('\n');
            for r in rows.iter().filter(|r| !r[n - 1].is_empty()) {
                out.push_str(&wrap(&format!("{:>3}. {}", r[0], r[n - 1]), 5));
                out.push('\n');
            }
            return out;
        }
    }
    let t = table(header, align, rows, None, width, false);
    let mut out: String = t.lines().map(|l| l.trim_end().to_string() + "\n").collect();
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Narrowest a wrapped last text column may be before it moves under the rows.
pub const MIN_TEXT_COLUMN: u16 = 36;

/// Display width of `text` (a Chinese character takes two columns), as comfy-table counts it.
fn display_width(text: &str) -> u16 {
    UnicodeWidthStr::width(text).min(u16::MAX as usize) as u16
}

/// The comfy-table of `rows` (only the first `columns` cells of each, when given); with
/// `no_wrap`, every column keeps its content width.
fn table(
    header: &[&str],
    align: &[Align],
    rows: &[Vec<String>],
    columns: Option<usize>,
    width: u16,
    no_wrap: bool,
) -> Table {
    let mut t = Table::new();
    t.load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header.iter().copied());
    for r in rows {
        let cells = &r[..columns.unwrap_or(r.len())];
        t.add_row(cells.iter().map(String::as_str));
    }
    let widths = t.column_max_content_widths();
    for (i, a) in align.iter().enumerate() {
        let short = widths.get(i).is_some_and(|w| *w <= SHORT_COLUMN);
        if let Some(c) = t.column_mut(i) {
            c.set_padding((0, 2));
            if let Align::Right = a {
                c.set_cell_alignment(CellAlignment::Right);
            }
            if no_wrap || matches!(a, Align::Right) || short {
                c.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    t
}

/// `text` wrapped to [`output_width`], continuation lines indented by `indent` spaces.
pub fn wrap(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let opts = textwrap::Options::new(output_width() as usize).subsequent_indent(&pad);
    text.split('\n')
        .map(|l| textwrap::fill(l, &opts))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Formats a number with thousands separators and `decimals` decimals.
pub fn num(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && v.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(num(1234567.891, 1), "1,234,567.9");
        assert_eq!(num(999.0, 0), "999");
        assert_eq!(num(-1500.0, 0), "-1,500");
        assert_eq!(num(0.04, 1), "0.0");
    }
}
