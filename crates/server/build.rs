//! Compiles the long double helper (INCRBYFLOAT precision, see csrc/).
fn main() {
    println!("cargo:rerun-if-changed=csrc/longdouble.c");
    cc::Build::new().file("csrc/longdouble.c").opt_level(2).compile("hearth_longdouble");
}
