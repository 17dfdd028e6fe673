//! Reading the binary's human-facing text: display widths, aligned tables, RFC 3339 times.

/// Terminal columns `text` takes: 0 for combining marks and zero-width characters, 2 for East
/// Asian wide and fullwidth characters and emoji (Unicode's `W`/`F` blocks), else 1.
pub fn display_width(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

fn char_columns(c: char) -> usize {
    const ZERO: &[(u32, u32)] = &[
        (0x0300, 0x036F),
        (0x200B, 0x200F),
        (0xFE00, 0xFE0F),
        (0xFE20, 0xFE2F),
    ];
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115F),
        (0x231A, 0x231B),
        (0x2E80, 0x303E),
        (0x3041, 0x33FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xA000, 0xA4CF),
        (0xAC00, 0xD7A3),
        (0xF900, 0xFAFF),
        (0xFE30, 0xFE4F),
        (0xFF00, 0xFF60),
        (0xFFE0, 0xFFE6),
        (0x1F300, 0x1F64F),
        (0x1F680, 0x1F6FF),
        (0x1F900, 0x1F9FF),
        (0x20000, 0x3FFFD),
    ];
    let code = u32::from(c);
    let within = |ranges: &[(u32, u32)]| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&code));
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

/// The cells of one table line: (first display column, last display column + 1, text) of
/// each run of text between gaps of two or more spaces.
pub fn table_cells(line: &str) -> Vec<(usize, usize, String)> {
    let mut cells = Vec::new();
    let mut column = 0;
    let mut current: Option<(usize, String)> = None;
    let mut spaces = 0;
    for c in line.chars() {
        if c == ' ' {
            spaces += 1;
        } else {
            match &mut current {
                // One space inside a cell belongs to it ("ACCOUNT ID").
                Some((_, text)) if spaces < 2 => {
                    text.extend(std::iter::repeat_n(' ', spaces));
                    text.push(c);
                }
                _ => {
                    if let Some((start, text)) = current.take() {
                        cells.push((start, start + display_width(&text), text));
                    }
                    current = Some((column, c.to_string()));
                }
            }
            spaces = 0;
        }
        column += if c == ' ' { 1 } else { char_columns(c) };
    }
    if let Some((start, text)) = current {
        cells.push((start, start + display_width(&text), text));
    }
    cells
}

/// Fails unless every row of a table has a cell under each header label, flush with the
/// label's left edge in every row or with its right edge in every row (right-aligned
/// numbers), measured in display columns.
#[track_caller]
pub fn assert_table_aligned(table: &str) {
    let lines: Vec<&str> = table.lines().collect();
    let header = table_cells(lines.first().expect("a header line"));
    let rows: Vec<Vec<(usize, usize, String)>> =
        lines[1..].iter().map(|l| table_cells(l)).collect();
    for (line, cells) in lines[1..].iter().zip(&rows) {
        assert_eq!(
            cells.len(),
            header.len(),
            "a cell per header label in {line:?}\nheader {:?}",
            lines[0]
        );
    }
    for (i, (start, end, label)) in header.iter().enumerate() {
        let left = rows.iter().all(|cells| cells[i].0 == *start);
        let right = rows.iter().all(|cells| cells[i].1 == *end);
        let offender = rows
            .iter()
            .zip(&lines[1..])
            .find(|(cells, _)| cells[i].0 != *start && cells[i].1 != *end);
        assert!(
            left || right,
            "column {label:?} (display columns {start}..{end}) is misaligned, e.g. in {:?}",
            offender.map(|(_, line)| line)
        );
    }
}

/// Seconds since the Unix epoch of an RFC 3339 UTC time `YYYY-MM-DDTHH:MM:SS[.frac]Z`.
#[track_caller]
pub fn rfc3339_seconds(time: &str) -> f64 {
    let bad = || panic!("{time:?} is not an RFC 3339 UTC time");
    let Some(body) = time.strip_suffix('Z') else {
        bad()
    };
    let (date, clock) = body.split_once('T').unwrap_or_else(|| bad());
    let number = |s: &str| s.parse::<i64>().unwrap_or_else(|_| bad());
    let date: Vec<i64> = date.split('-').map(number).collect();
    let clock: Vec<&str> = clock.split(':').collect();
    if date.len() != 3 || clock.len() != 3 {
        bad();
    }
    let seconds: f64 = clock[2].parse().unwrap_or_else(|_| bad());
    let days = days_from_civil(date[0], date[1], date[2]);
    (days * 86_400 + number(clock[0]) * 3_600 + number(clock[1]) * 60) as f64 + seconds
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
