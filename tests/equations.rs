//! Every optimizer's equations (network methods included) typeset as well-formed MathML.

use descent::optim::registry::OPTIMIZERS;
use descent::render::mathml::typeset;

#[test]
fn every_equation_is_well_formed_mathml() {
    let equations = OPTIMIZERS.iter().map(|o| (o.name, o.equations));
    for (name, equations) in equations {
        let html = typeset(equations);
        let document = format!("<div>{html}</div>");
        let tree = roxmltree::Document::parse(&document)
            .unwrap_or_else(|e| panic!("{}: {e}\n{document}", name));
        let lines = tree
            .root_element()
            .children()
            .filter(|n| n.has_tag_name("p"))
            .count();
        assert_eq!(lines, equations.lines().count(), "{}", name);
        let text: String = tree
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        assert!(
            !text.chars().any(|c| "₀₁₂ₖₜᵢ²ᵗᵀ⁻\u{302}\u{304}".contains(c)),
            "{}: a script character was left as text: {text}",
            name
        );
    }
}
