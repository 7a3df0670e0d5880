//! The command-line examples in the README and the book are run and their output compared, so
//! the documentation cannot rot (trycmd).

#[test]
fn cli_examples_in_the_docs_are_true() {
    trycmd::TestCases::new()
        .register_bin("trustmap", trycmd::cargo::cargo_bin("trustmap"))
        .case("README.md")
        .case("book/src/templates.md");
}
