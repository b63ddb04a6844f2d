//! Confusion matrices as HTML tables: rows are the true classes, columns the
//! predicted ones, each cell shaded by its share of its row, and a last
//! column with each class's accuracy (its recall).

use std::fmt::Write;

use super::classifier::CLASS_COLORS;
use crate::data::CLASSES;
use crate::nn::{Confusion, Confusions};

/// Both matrices (train, then test) side by side.
pub fn html(confusions: &Confusions) -> String {
    let mut out = String::from("<div class=\"confusion-pair\">");
    for (name, confusion) in [("train", &confusions.train), ("test", &confusions.test)] {
        table(&mut out, name, confusion);
    }
    out.push_str("</div>");
    out
}

fn table(out: &mut String, name: &str, confusion: &Confusion) {
    let _ = write!(
        out,
        "<table class=\"confusion\" data-split=\"{name}\"><caption>{name}: {:.1} % of {}</caption>\
         <tr><th title=\"true class (rows) against predicted class (columns)\">true \\ predicted</th>",
        100.0 * confusion.accuracy(),
        confusion.total()
    );
    for k in 0..CLASSES {
        let _ = write!(out, "<th>{}</th>", swatch(k));
    }
    out.push_str("<th>recall</th></tr>");
    let recall = confusion.per_class_accuracy();
    for (k, row) in confusion.0.iter().enumerate() {
        let _ = write!(out, "<tr><th>{}</th>", swatch(k));
        let total: u32 = row.iter().sum();
        for (j, &count) in row.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                f64::from(count) / f64::from(total)
            };
            // Right answers shade green, wrong ones red, by their share of the row.
            let hue = if j == k { "46, 160, 67" } else { "214, 39, 40" };
            let _ = write!(
                out,
                "<td style=\"background: rgba({hue}, {:.2})\">{count}</td>",
                0.75 * share
            );
        }
        let shown = if recall[k].is_nan() {
            "–".to_string()
        } else {
            format!("{:.0} %", 100.0 * recall[k])
        };
        let _ = write!(out, "<td class=\"recall\">{shown}</td></tr>");
    }
    out.push_str("</table>");
}

/// Class `k`'s number on its colour.
fn swatch(k: usize) -> String {
    let c = CLASS_COLORS[k];
    let ink = if k >= 3 { "#000" } else { "#fff" };
    format!(
        "<span class=\"class-swatch\" style=\"background: rgb({}, {}, {}); color: {ink}\">{}</span>",
        c.0,
        c.1,
        c.2,
        k + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_has_a_row_per_class_with_its_counts_and_recall() {
        let mut train = Confusion::default();
        train.count(0, 0);
        train.count(0, 2);
        train.count(4, 4);
        let confusions = Confusions {
            train,
            test: Confusion::default(),
        };
        let text = html(&confusions);
        assert_eq!(text.matches("<table").count(), 2);
        assert_eq!(text.matches("<tr>").count(), 2 * (CLASSES + 1));
        assert!(text.contains("train: 66.7 % of 3"));
        assert!(text.contains(">50 %<") && text.contains(">100 %<") && text.contains(">–<"));
    }
}
