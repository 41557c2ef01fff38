//! The fields the portal can import and the names offices give their columns
//! (aliases), compared after folding case, punctuation and spaces.

pub use shared::sheet_import::Field;

/// The fields of the registry import's ten documented columns
/// (`shared::proposal_batch::REGISTRY_COLUMNS`), in their order.
pub const REGISTRY_FIELDS: [Field; 10] = [
    Field::RegistryFamilyId,
    Field::Source,
    Field::NoKk,
    Field::Nik,
    Field::Name,
    Field::Relationship,
    Field::Village,
    Field::Address,
    Field::Desil,
    Field::Programmes,
];

/// Column names offices use, normalised ([`normalise_header`]), per field;
/// the registry import's ten documented names are among them.
const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::RegistryFamilyId,
        &[
            "ID KELUARGA",
            "IDKELUARGA",
            "ID KEL",
            "ID DTKS",
            "IDDTKS",
            "ID DTSEN",
            "IDDTSEN",
            "ID KELUARGA DTKS",
            "ID KELUARGA DTSEN",
            "ID KELUARGA P3KE",
            "ID BDT",
            "IDBDT",
            "ID RUMAH TANGGA",
        ],
    ),
    (Field::Source, &["SUMBER", "SUMBER DATA"]),
    (
        Field::NoKk,
        &[
            "NO KK",
            "NOKK",
            "NOMOR KK",
            "NKK",
            "NO KARTU KELUARGA",
            "NOMOR KARTU KELUARGA",
            "NO KK KELUARGA",
        ],
    ),
    (
        Field::Nik,
        &[
            "NIK",
            "NO NIK",
            "NOMOR NIK",
            "NOMOR INDUK KEPENDUDUKAN",
            "NIK ART",
            "NIK ANGGOTA",
            "NIK ANGGOTA KELUARGA",
            "NO KTP",
            "NOMOR KTP",
            "NIK KTP",
        ],
    ),
    (
        Field::Name,
        &[
            "NAMA",
            "NAMA LENGKAP",
            "NAMA ART",
            "NAMA ANGGOTA",
            "NAMA ANGGOTA KELUARGA",
            "NAMA ANGGOTA RUMAH TANGGA",
            "NAMA PENERIMA",
            "NAMA SESUAI KTP",
        ],
    ),
    (
        Field::HeadName,
        &[
            "NAMA KEPALA KELUARGA",
            "NAMA KK",
            "NAMA KRT",
            "NAMA KEPALA RUMAH TANGGA",
            "KEPALA KELUARGA",
        ],
    ),
    (
        Field::Sex,
        &[
            "JENIS KELAMIN",
            "JNS KELAMIN",
            "JK",
            "J K",
            "L P",
            "LP",
            "KELAMIN",
            "SEX",
            "GENDER",
        ],
    ),
    (
        Field::BirthPlace,
        &["TEMPAT LAHIR", "TMPT LAHIR", "TMP LAHIR", "TPT LAHIR"],
    ),
    (
        Field::BirthDate,
        &[
            "TGL LAHIR",
            "TANGGAL LAHIR",
            "TGL LHR",
            "TANGGAL LHR",
            "TG LAHIR",
        ],
    ),
    (
        Field::BirthPlaceDate,
        &[
            "TEMPAT TANGGAL LAHIR",
            "TEMPAT TGL LAHIR",
            "TEMPAT DAN TANGGAL LAHIR",
            "TMPT TGL LAHIR",
            "TTL",
        ],
    ),
    (
        Field::Relationship,
        &[
            "SHDK",
            "HUBUNGAN",
            "HUB KELUARGA",
            "HUBUNGAN KELUARGA",
            "HUBUNGAN DENGAN KEPALA KELUARGA",
            "HUBUNGAN DGN KEPALA KELUARGA",
            "HUB DGN KK",
            "HUB DENGAN KK",
            "HUB DENGAN KEPALA KELUARGA",
            "HUBUNGAN DENGAN KRT",
            "HUB KRT",
            "STATUS HUBUNGAN",
            "STATUS HUBUNGAN DALAM KELUARGA",
            "STATUS DALAM KELUARGA",
        ],
    ),
    (
        Field::Address,
        &[
            "ALAMAT",
            "ALAMAT LENGKAP",
            "ALAMAT RUMAH",
            "ALAMAT DOMISILI",
            "JALAN",
        ],
    ),
    (Field::Rt, &["RT", "NO RT"]),
    (Field::Rw, &["RW", "NO RW"]),
    (Field::RtRw, &["RT RW", "RTRW"]),
    (
        Field::Dusun,
        &["DUSUN", "DUSUN LINGKUNGAN", "LINGKUNGAN", "NAMA DUSUN"],
    ),
    (
        Field::Village,
        &[
            "DESA",
            "KELURAHAN",
            "DESA KELURAHAN",
            "KELURAHAN DESA",
            "DESA KEL",
            "KEL DESA",
            "NAMA DESA",
            "NAMA KELURAHAN",
            "NAMA DESA KELURAHAN",
            "KODE DESA",
            "KODE KELURAHAN",
            "KODE DESA KELURAHAN",
            "KD DESA",
            "KODE WILAYAH",
        ],
    ),
    (
        Field::SubDistrict,
        &[
            "KECAMATAN",
            "KEC",
            "NAMA KECAMATAN",
            "KODE KECAMATAN",
            "KD KEC",
        ],
    ),
    (
        Field::Desil,
        &[
            "DESIL",
            "DESIL NASIONAL",
            "DESIL KESEJAHTERAAN",
            "PERINGKAT DESIL",
            "STATUS KESEJAHTERAAN",
        ],
    ),
    (
        Field::Programmes,
        &[
            "PROGRAM",
            "PROGRAM BANTUAN",
            "PROGRAM BANSOS",
            "BANSOS",
            "BANTUAN",
            "JENIS BANTUAN",
            "PENERIMA BANSOS",
            "KEPESERTAAN PROGRAM",
        ],
    ),
    (
        Field::Phone,
        &[
            "NO HP",
            "NOMOR HP",
            "HP",
            "NO TELP",
            "TELP",
            "NO TELEPON",
            "NOMOR TELEPON",
            "TELEPON",
            "NO WA",
            "NOMOR WA",
            "NO HP WA",
        ],
    ),
    // Columns every office list has that the portal does not import: they
    // still tell a header row from a title row.
    (
        Field::Ignore,
        &[
            "NO",
            "NO URUT",
            "NOMOR URUT",
            "KET",
            "KETERANGAN",
            "PEKERJAAN",
            "PENDIDIKAN",
            "AGAMA",
            "STATUS PERKAWINAN",
            "STATUS KAWIN",
            "UMUR",
            "USIA",
        ],
    ),
];

/// A header as it is compared: upper case, every run of characters that are
/// not letters or digits one space, trimmed (`No. KK` → `NO KK`, `no_kk` →
/// `NO KK`, `L/P` → `L P`, `HUB.\nKELUARGA` → `HUB KELUARGA`).
pub fn normalise_header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_uppercase());
        } else {
            space = true;
        }
    }
    out
}

/// The field a column name stands for, if it is a known name: `Some(Ignore)`
/// for the columns known not to be imported (`NO`, `KETERANGAN`, ...).
/// A note in brackets after the name (`NIK (16 digit)`, `TGL LAHIR [dd/mm/yyyy]`)
/// is left out when the whole text is not a known name.
pub fn field_for_header(text: &str) -> Option<Field> {
    let known = |name: &str| {
        ALIASES
            .iter()
            .find(|(_, aliases)| aliases.contains(&name))
            .map(|(field, _)| *field)
    };
    let name = normalise_header(text);
    if name.is_empty() {
        return None;
    }
    known(&name).or_else(|| {
        let mut kept = String::new();
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                c if depth == 0 => kept.push(c),
                _ => {}
            }
        }
        let name = normalise_header(&kept);
        (!name.is_empty()).then(|| known(&name)).flatten()
    })
}

/// The known names of `field`, normalised (for a help text beside the select).
pub fn aliases(field: Field) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(known, _)| *known == field)
        .map_or(&[], |(_, aliases)| *aliases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_folded_before_they_are_compared() {
        assert_eq!(normalise_header(" No. KK "), "NO KK");
        assert_eq!(normalise_header("no_kk"), "NO KK");
        assert_eq!(normalise_header("HUB.\nKELUARGA"), "HUB KELUARGA");
        assert_eq!(normalise_header("\u{feff}Tgl. Lahir*"), "TGL LAHIR");
        for (name, field) in [
            ("NO. KK", Field::NoKk),
            ("Nomor KK", Field::NoKk),
            ("NKK", Field::NoKk),
            ("no_kk", Field::NoKk),
            ("nik", Field::Nik),
            ("Nama Lengkap", Field::Name),
            ("NAMA ART", Field::Name),
            ("Jenis Kelamin", Field::Sex),
            ("JK", Field::Sex),
            ("L/P", Field::Sex),
            ("TGL LAHIR", Field::BirthDate),
            ("Tanggal Lahir", Field::BirthDate),
            ("Tempat Lahir", Field::BirthPlace),
            ("Tempat/Tgl Lahir", Field::BirthPlaceDate),
            ("SHDK", Field::Relationship),
            ("HUB. KELUARGA", Field::Relationship),
            ("Hubungan dengan Kepala Keluarga", Field::Relationship),
            ("Status Hubungan", Field::Relationship),
            ("ALAMAT", Field::Address),
            ("RT", Field::Rt),
            ("RW", Field::Rw),
            ("RT/RW", Field::RtRw),
            ("DUSUN", Field::Dusun),
            ("Desa/Kelurahan", Field::Village),
            ("KODE DESA", Field::Village),
            ("kode_wilayah", Field::Village),
            ("KECAMATAN", Field::SubDistrict),
            ("DESIL", Field::Desil),
            ("ID Keluarga", Field::RegistryFamilyId),
            ("ID DTKS", Field::RegistryFamilyId),
            ("No", Field::Ignore),
            ("No. HP", Field::Phone),
        ] {
            assert_eq!(field_for_header(name), Some(field), "{name}");
        }
        assert_eq!(
            field_for_header("DAFTAR KELUARGA MISKIN DESA WALED KOTA"),
            None
        );
        assert_eq!(field_for_header(""), None);
    }

    #[test]
    fn the_registry_columns_are_known_names() {
        for (name, field) in shared::proposal_batch::REGISTRY_COLUMNS
            .iter()
            .zip(REGISTRY_FIELDS)
        {
            assert_eq!(field_for_header(name), Some(field), "{name}");
        }
    }

    #[test]
    fn each_alias_names_one_field_and_is_normalised() {
        let mut seen = std::collections::HashSet::new();
        for (_, aliases) in ALIASES {
            for alias in *aliases {
                assert_eq!(normalise_header(alias), *alias);
                assert!(seen.insert(*alias), "{alias} twice");
            }
        }
    }
}
