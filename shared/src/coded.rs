//! The `Coded` trait and the `coded_enum!` macro: stable codes and bilingual labels for every stored or shown enum.
//! One declaration gives an enum its snake_case code, its Indonesian and English labels and its serde form.

/// An enumeration that is stored (by its code) and shown (by its label).
///
/// Codes are snake_case, stable, and never translated: they are what the
/// database and the API hold. Labels are for people, Bahasa Indonesia first.
pub trait Coded: Sized + Copy + 'static {
    /// Every value, in the order the domain lists them.
    const ALL: &'static [Self];
    /// Stable code stored in the database and used in the API.
    fn code(self) -> &'static str;
    /// The name in Bahasa Indonesia.
    fn label_id(self) -> &'static str;
    /// The name in English.
    fn label_en(self) -> &'static str;
    /// Parses a stored code back into a value.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.code() == code)
    }
}

/// Declares a fieldless enum with `ALL`, `code()`, `from_code()`, `label_id()`
/// and `label_en()`, implements [`Coded`], and (de)serializes it as its code.
///
/// ```
/// shared::coded_enum! {
///     /// A colour.
///     pub enum Colour {
///         /// Red.
///         Red = ("red", "Merah", "Red"),
///         /// Blue.
///         Blue = ("blue", "Biru", "Blue"),
///     }
/// }
/// assert_eq!(Colour::from_code("blue"), Some(Colour::Blue));
/// assert_eq!(Colour::Red.label_id(), "Merah");
/// ```
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = ($code:literal, $id:literal, $en:literal)
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order the domain lists them.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// Stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            /// Parses a stored code back into a value.
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|value| value.code() == code)
            }

            /// The name in Bahasa Indonesia.
            pub fn label_id(self) -> &'static str {
                match self { $( $name::$variant => $id, )+ }
            }

            /// The name in English.
            pub fn label_en(self) -> &'static str {
                match self { $( $name::$variant => $en, )+ }
            }
        }

        impl $crate::coded::Coded for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn code(self) -> &'static str { $name::code(self) }
            fn label_id(self) -> &'static str { $name::label_id(self) }
            fn label_en(self) -> &'static str { $name::label_en(self) }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                $name::from_code(&code).ok_or_else(|| {
                    <D::Error as ::serde::de::Error>::custom(format!(
                        "unknown {} code `{}`", stringify!($name), code
                    ))
                })
            }
        }
    };
}

#[cfg(test)]
pub(crate) mod tests {
    use super::Coded;
    use std::collections::HashSet;

    /// Checks the promises of a coded enum: codes unique, snake_case and
    /// round-tripping through `from_code` and serde; labels present.
    pub(crate) fn check_coded<T: Coded + std::fmt::Debug + PartialEq>() {
        let mut seen = HashSet::new();
        assert!(!T::ALL.is_empty());
        for &value in T::ALL {
            let code = value.code();
            assert!(seen.insert(code), "duplicate code {code}");
            assert!(
                !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "code {code} is not snake_case"
            );
            assert_eq!(T::from_code(code), Some(value));
            assert!(!value.label_id().is_empty() && !value.label_en().is_empty());
        }
        assert_eq!(T::from_code("no_such_code"), None);
    }

    crate::coded_enum! {
        /// A test enum.
        pub enum Sample {
            /// First.
            First = ("first", "Pertama", "First"),
            /// Second.
            Second = ("second", "Kedua", "Second"),
        }
    }

    #[test]
    fn sample_round_trips_through_serde_as_its_code() {
        check_coded::<Sample>();
        assert_eq!(
            serde_json::to_string(&Sample::Second).ok().as_deref(),
            Some("\"second\"")
        );
        let back: Result<Sample, _> = serde_json::from_str("\"first\"");
        assert_eq!(back.ok(), Some(Sample::First));
        assert!(serde_json::from_str::<Sample>("\"third\"").is_err());
    }
}
