//! A district's spreadsheets (issue 21): the upload form and the uploads,
//! then one upload's page through its steps: the mapping (the header row
//! found, each column's field proposed or remembered, corrected with
//! selects), the preview of the first rows with problems on their cells, the
//! check of the whole file, the confirmation, the progress (the page reloads
//! itself while a job runs, with or without JavaScript) and the report with
//! the rejected rows to download. Plain forms: they work without JavaScript.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Meta;
use shared::dto::CurrentUser;
use shared::sheet_import::{
    ENCODINGS, Field, PreviewRow, REREAD, RelationshipNumbering, SheetColumn, SheetDestination,
    SheetImportProblem, SheetImportRow, SheetImportState, SheetImportView, SheetSurvey,
    missing_fields,
};

use crate::api::{ConfirmSheetImport, SaveSheetMapping, sheet_import, sheet_imports};
use crate::components::list::query_value;
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, TABLE,
    TD, TH, outcome, route_id,
};
use crate::format::{number_id, time_in};
use crate::i18n::{Lang, label, lang, texts, tr};
use crate::paths;

/// Seconds between reloads of a page whose job runs.
const RELOAD_SECONDS: &str = "3";

/// A message given in both languages, in the current one.
fn either_lang(message: &(String, String)) -> String {
    match lang() {
        Lang::Id => message.0.clone(),
        Lang::En => message.1.clone(),
    }
}

/// The uploads of the district and the form to send one.
#[component]
pub fn ImportListPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ImportSpreadsheet
            title=tr("Impor spreadsheet", "Spreadsheet import")
            content=|user| view! { <ImportListBody user /> }
        />
    }
}

#[component]
fn ImportListBody(user: CurrentUser) -> impl IntoView {
    let uploads = Resource::new(|| (), |_| sheet_imports());
    let refused = query_value(paths::IMPORT_REFUSED);
    // An account wider than one district names the district it imports into.
    let names_district = user.area_code.split('.').count() < 2;
    view! {
        <PageHeading text=tr("Impor spreadsheet", "Spreadsheet import") />
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Unggah irisan DTKS/DTSEN kabupaten/kota, atau daftar BNBA keluarga yang diusulkan desa, seperti yang diterima kantor: Excel (.xlsx, .xls), OpenDocument (.ods) atau CSV (koma, titik koma atau tab). Portal menemukan baris judul, mengusulkan kolom, menampilkan pratinjau dan memeriksa seluruh berkas sebelum Anda mengimpornya.",
                "Upload the district's registry slice, or a village's BNBA list of families to propose, as the office received it: Excel (.xlsx, .xls), OpenDocument (.ods) or CSV (comma, semicolon or tab). The portal finds the header row, proposes the columns, shows a preview and checks the whole file before you import it.",
            )}
        </p>
        {move || {
            let code = refused();
            (!code.is_empty()).then(|| {
                let text = SheetImportProblem::from_code(&code).map_or_else(
                    || tr("Berkas tidak dapat diunggah.", "The file could not be uploaded.").to_string(),
                    |problem| label(problem).to_string(),
                );
                view! { <p class="mb-3 rounded-md bg-red-50 px-3 py-2 text-red-900" role="alert" data-testid="import-refused">{text}</p> }
            })
        }}
        <form method="post" enctype="multipart/form-data" action=paths::SHEET_UPLOAD class="mb-6 space-y-3 rounded-xl border border-slate-200 bg-white p-4" data-testid="import-upload-form">
            {names_district.then(|| view! {
                <div>
                    <label for="import-district" class=LABEL>{tr("Kode kabupaten/kota tujuan", "District code")}</label>
                    <input id="import-district" name="district" type="text" required inputmode="decimal" placeholder="32.09" class=INPUT />
                </div>
            })}
            <fieldset>
                <legend class=LABEL>{tr("Isi berkas", "What the file is")}</legend>
                {SheetDestination::ALL.iter().map(|destination| {
                    let id = format!("import-destination-{}", destination.code());
                    view! {
                        <div class="flex items-start gap-2 py-1">
                            <input type="radio" id=id.clone() name="destination" value=destination.code() checked=*destination == SheetDestination::Registry class="mt-1" data-testid=id.clone() />
                            <label for=id class="text-sm">{label(*destination)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div>
                <label for="import-file" class=LABEL>{tr("Berkas spreadsheet (paling besar 256 MB)", "Spreadsheet file (256 MB at most)")}</label>
                <input id="import-file" type="file" name="file" required accept=".xlsx,.xls,.ods,.csv,.txt,.tsv" class="max-w-full text-sm" data-testid="import-file" />
            </div>
            <button type="submit" class=BUTTON data-testid="import-upload">{tr("Unggah", "Upload")}</button>
        </form>
        <h2 class="mb-2 text-lg font-semibold">{tr("Unggahan", "Uploads")}</h2>
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match uploads.await {
                    Ok(rows) if rows.is_empty() => EitherOf3::A(view! { <p class="text-sm">{tr("Belum ada unggahan.", "No upload yet.")}</p> }),
                    Ok(rows) => EitherOf3::B(view! {
                        <ul class="space-y-2" data-testid="import-list">
                            {rows.into_iter().map(|row| view! { <UploadItem row /> }).collect_view()}
                        </ul>
                    }),
                    Err(error) => EitherOf3::C(view! { <ErrorPanel error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn UploadItem(row: SheetImportRow) -> impl IntoView {
    let zone = shared::clock::Zone::of_area(&row.district_code);
    let counts = match (row.rows, row.accepted, row.rejected) {
        (Some(rows), Some(accepted), Some(rejected)) => format!(
            " · {} {} · {} {} · {} {}",
            number_id(rows),
            tr("baris", "rows"),
            number_id(accepted),
            tr("diterima", "accepted"),
            number_id(rejected),
            tr("ditolak", "rejected")
        ),
        (Some(rows), _, _) => format!(" · {} {}", number_id(rows), tr("baris", "rows")),
        _ => String::new(),
    };
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-3 text-sm" data-testid="import-item">
            <a href=paths::sheet_import(row.id) class="break-all font-semibold text-teal-800 underline">{row.file_name.clone()}</a>
            <span class="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold">{label(row.state)}</span>
            <p class="text-xs text-slate-600">{label(row.destination)}</p>
            <p class="text-slate-600">{format!("{} · {}{counts}", time_in(row.uploaded_at, zone), row.uploaded_by)}</p>
        </li>
    }
}

/// One upload through its steps.
#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ImportSpreadsheet
            title=tr("Impor spreadsheet", "Spreadsheet import")
            content=|_user| view! { <ImportBody /> }
        />
    }
}

#[component]
fn ImportBody() -> impl IntoView {
    let id = route_id();
    let save = ServerAction::<SaveSheetMapping>::new();
    let confirm = ServerAction::<ConfirmSheetImport>::new();
    let upload = Resource::new(
        move || (id(), save.version().get(), confirm.version().get()),
        |(id, _, _)| sheet_import(id),
    );
    view! {
        <p class="mb-3 text-sm"><a href=paths::IMPORTS class="text-teal-800 underline">{tr("← Semua unggahan", "← All uploads")}</a></p>
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match upload.await {
                    Ok(upload) => Either::Left(view! { <UploadView upload save confirm /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn UploadView(
    upload: SheetImportView,
    save: ServerAction<SaveSheetMapping>,
    confirm: ServerAction<ConfirmSheetImport>,
) -> impl IntoView {
    let zone = shared::clock::Zone::of_area(&upload.district_code);
    let state = upload.state;
    let destination = upload.destination;
    let may_map = matches!(
        state,
        SheetImportState::Uploaded | SheetImportState::Checked | SheetImportState::Failed
    );
    let may_confirm = upload.survey.is_some()
        && matches!(state, SheetImportState::Checked | SheetImportState::Failed)
        && !upload.columns.is_empty();
    let size = if upload.file_bytes < 1024 * 1024 {
        format!("{} KB", upload.file_bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", upload.file_bytes as f64 / (1024.0 * 1024.0))
    };
    let same_file = upload.same_file.map(|(earlier, at, earlier_state)| {
        view! {
            <p class="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="import-same-file">
                {format!(
                    "{} {} ({}). ",
                    tr("Berkas yang sama persis pernah diunggah:", "The very same file was uploaded before:"),
                    time_in(at, zone),
                    label(earlier_state),
                )}
                <a href=paths::sheet_import(earlier) class="underline">{tr("Buka unggahan itu", "Open that upload")}</a>
                {match destination {
                    SheetDestination::Registry => tr(
                        ". Mengimpornya lagi tidak menggandakan data: keluarga yang sama diperbarui.",
                        ". Importing it again duplicates nothing: the same families are updated.",
                    ),
                    SheetDestination::Proposals => tr(
                        ". Mengimpornya lagi tidak menggandakan data: keluarga yang sudah diusulkan dilewati.",
                        ". Importing it again duplicates nothing: families already proposed are left as they are.",
                    ),
                }}
            </p>
        }
    });
    view! {
        {state.running().then(|| view! { <Meta http_equiv="refresh" content=RELOAD_SECONDS /> })}
        <h1 class="mb-4 break-all text-2xl font-semibold" data-testid="import-file-name">{upload.file_name.clone()}</h1>
        <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="import-summary">
            <dt class="font-medium">{tr("Status", "State")}</dt>
            <dd class="font-semibold" data-testid="import-state" data-state=state.code()>{label(state)}</dd>
            <dt class="font-medium">{tr("Kabupaten/kota", "District")}</dt>
            <dd>{format!("{} ({})", upload.district_name, upload.district_code)}</dd>
            <dt class="font-medium">{tr("Isi berkas", "What the file is")}</dt>
            <dd data-testid="import-destination">{label(destination)}</dd>
            <dt class="font-medium">{tr("Berkas", "File")}</dt>
            <dd>{if upload.kind.is_empty() { size } else { format!("{} · {size}", upload.kind) }}</dd>
            <dt class="font-medium">{tr("Diunggah", "Uploaded")}</dt>
            <dd>{format!("{} · {}", time_in(upload.uploaded_at, zone), upload.uploaded_by)}</dd>
        </dl>
        {same_file}
        {upload.failure.as_ref().map(|failure| view! {
            <p class="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900" role="alert" data-testid="import-failure">{either_lang(failure)}</p>
        })}
        {upload.reading_problem.as_ref().map(|problem| view! {
            <p class="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900" role="alert" data-testid="import-reading-problem">{either_lang(problem)}</p>
        })}
        {state.running().then(|| view! { <Progress upload=upload.clone() /> })}
        {upload.result.map(|result| view! { <ImportResult result destination id=upload.id rejected_report=upload.rejected_report /> })}
        {may_map.then(|| view! { <MappingForm upload=upload.clone() save /> })}
        {(!upload.preview.is_empty()).then(|| view! { <PreviewTable fields=upload.preview_fields.clone() rows=upload.preview.clone() /> })}
        {upload.survey.map(|survey| view! { <SurveyCounts survey destination numbering=upload.numbering /> })}
        {may_confirm.then(|| view! {
            <ActionForm action=confirm attr:class="mt-4 space-y-2 rounded-xl border border-teal-200 bg-teal-50 p-4" attr:data-testid="import-confirm-form">
                <input type="hidden" name="id" value=upload.id />
                <input type="hidden" name="version" value=upload.version />
                <p class="text-sm">{match destination {
                    SheetDestination::Registry => tr(
                        "Impor menerapkan semua baris yang lolos dalam satu transaksi: semua atau tidak sama sekali. Baris yang ditolak tidak diimpor dan dapat diunduh sesudahnya.",
                        "The import applies every row that passes in one transaction: all or nothing. Rejected rows are not imported and can be downloaded afterwards.",
                    ),
                    SheetDestination::Proposals => tr(
                        "Setiap keluarga yang belum tercatat mendapat berkas keluarga dan usulan keluarga baru (sumber: usulan RT/RW) yang menunggu musdes. Keluarga yang sudah diusulkan atau sudah di DTKS dilewati; keluarga yang mungkin ganda tidak diusulkan dan tercantum di laporan untuk diperiksa.",
                        "Each family not yet on record gets a household file and a new-family proposal (source: RT/RW) waiting for the village meeting. Families already proposed or in the registry are left as they are; likely duplicates are not proposed and are listed in the report to be checked.",
                    ),
                }}</p>
                <button type="submit" class=BUTTON data-testid="import-confirm">{tr("Impor sekarang", "Import now")}</button>
                <FormResult result=outcome(confirm.value()) success=tr("Impor dimulai.", "Import started.") />
            </ActionForm>
        })}
    }
}

/// How far the job has read; the page reloads itself until it ends.
#[component]
fn Progress(upload: SheetImportView) -> impl IntoView {
    let progress = upload.progress.unwrap_or_default();
    let percent = progress.percent();
    let what = if upload.state == SheetImportState::Checking {
        tr(
            "Memeriksa seluruh berkas (belum ada yang disimpan)",
            "Checking the whole file (nothing is saved yet)",
        )
    } else {
        tr("Mengimpor", "Importing")
    };
    view! {
        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4" data-testid="import-progress">
            <p class="mb-2 font-semibold">{what}</p>
            <progress class="h-3 w-full" max="100" value=percent.map(|p| p.to_string()) aria-label=what></progress>
            <p class="mt-1 text-sm text-slate-600" role="status">
                {format!(
                    "{}{} {}. {}",
                    percent.map(|p| format!("{p}% · ")).unwrap_or_default(),
                    number_id(progress.rows_read),
                    tr("baris terbaca", "rows read"),
                    tr(
                        "Halaman ini diperbarui sendiri; boleh ditutup, pekerjaan berjalan terus di server.",
                        "This page updates itself; you may close it, the work goes on on the server.",
                    ),
                )}
            </p>
        </section>
    }
}

/// The header row, worksheet, encoding and a field for every column.
#[component]
fn MappingForm(upload: SheetImportView, save: ServerAction<SaveSheetMapping>) -> impl IntoView {
    let fields: Vec<Field> = upload.columns.iter().map(|column| column.field).collect();
    let destination = upload.destination;
    let missing: Vec<&'static str> = missing_fields(destination, &fields).map(label).collect();
    let numbering = upload.numbering;
    let has_columns = !upload.columns.is_empty();
    let sheets = upload.sheets.clone();
    let chosen_sheet = upload.sheet;
    let encoding = upload.encoding.clone();
    view! {
        <ActionForm action=save attr:class="mt-4 space-y-3 rounded-xl border border-slate-200 bg-white p-4" attr:data-testid="import-mapping-form">
            <h2 class="font-semibold">{tr("Pemetaan kolom", "Column mapping")}</h2>
            <input type="hidden" name="draft[import_id]" value=upload.id />
            <input type="hidden" name="draft[version]" value=upload.version />
            {upload.remembered.then(|| view! {
                <p class="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="import-remembered">{tr(
                    "Pemetaan ini diingat dari berkas sebelumnya dengan kolom yang sama.",
                    "This mapping is remembered from an earlier file with the same columns.",
                )}</p>
            })}
            <div class="flex flex-wrap items-end gap-3">
                <div>
                    <label for="import-header-row" class=LABEL>{tr("Baris judul kolom", "Header row")}</label>
                    <input id="import-header-row" name="draft[header_row]" type="number" min="1" inputmode="numeric" value=upload.header_row.map(|row| row.to_string()) class="w-24 rounded-md border border-slate-300 px-3 py-2" data-testid="import-header-row" />
                </div>
                {(sheets.len() > 1).then(|| view! {
                    <div>
                        <label for="import-sheet" class=LABEL>{tr("Lembar kerja", "Worksheet")}</label>
                        <select id="import-sheet" name="draft[sheet]" class="rounded-md border border-slate-300 px-3 py-2">
                            {sheets.iter().enumerate().map(|(index, name)| view! {
                                <option value=(index + 1).to_string() selected=index == chosen_sheet>{name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                {encoding.map(|(current, _)| view! {
                    <div>
                        <label for="import-encoding" class=LABEL>{tr("Encoding teks", "Text encoding")}</label>
                        <select id="import-encoding" name="draft[encoding]" class="rounded-md border border-slate-300 px-3 py-2" data-testid="import-encoding">
                            {ENCODINGS.iter().map(|(code, name)| view! {
                                <option value=*code selected=*code == current>{*name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="w-full min-w-0 sm:w-auto">
                    <label for="import-shdk" class=LABEL>{tr("Penomoran SHDK (hubungan dengan kepala keluarga)", "SHDK numbering (relationship to the head)")}</label>
                    <select id="import-shdk" name="draft[shdk]" class="w-full rounded-md border border-slate-300 px-3 py-2 text-sm sm:w-auto sm:max-w-md" data-testid="import-shdk">
                        {RelationshipNumbering::ALL.iter().map(|choice| view! {
                            <option value=choice.code() selected=*choice == numbering>{label(*choice)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" name="draft[intent]" value=REREAD class=BUTTON_QUIET data-testid="import-reread">{tr("Baca ulang berkas", "Read the file again")}</button>
            </div>
            {has_columns.then(|| view! {
                <div class="overflow-x-auto" tabindex="0" role="region" aria-label=tr("Kolom berkas, dapat digeser", "The file's columns, scrollable")>
                    <table class=TABLE data-testid="import-columns">
                        <thead><tr>
                            <th class=TH>{tr("Kolom", "Column")}</th>
                            <th class=TH>{tr("Judul di berkas", "Header in the file")}</th>
                            <th class=TH>{tr("Contoh isi", "Sample values")}</th>
                            <th class=TH>{tr("Diimpor sebagai", "Imported as")}</th>
                        </tr></thead>
                        <tbody class="divide-y divide-slate-100">
                            {upload.columns.iter().cloned().map(|column| view! { <ColumnRow column destination /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="text-xs text-slate-600">{match destination {
                    SheetDestination::Registry => tr("* wajib untuk DTKS/DTSEN.", "* required for the registry."),
                    SheetDestination::Proposals => tr(
                        "* wajib untuk daftar BNBA. Jenis kelamin dan tanggal lahir dibaca dari NIK bila tidak ada kolomnya.",
                        "* required for a BNBA list. Sex and date of birth are read from the NIK when the list has no column for them.",
                    ),
                }}</p>
                {(!missing.is_empty()).then(|| view! {
                    <p class="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="import-missing">
                        {format!("{} {}", tr("Belum dipetakan:", "Not mapped yet:"), missing.join(", "))}
                    </p>
                })}
                <button type="submit" name="draft[intent]" value="petakan" class=BUTTON data-testid="import-save-mapping">{tr("Simpan pemetaan dan periksa berkas", "Save the mapping and check the file")}</button>
            })}
            <FormResult result=outcome(save.value()) success=tr("Disimpan.", "Saved.") />
        </ActionForm>
    }
}

#[component]
fn ColumnRow(column: SheetColumn, destination: SheetDestination) -> impl IntoView {
    let select_id = format!("import-field-{}", column.index);
    let chosen = column.field;
    view! {
        <tr data-testid="import-column" data-letter=column.letter.clone() data-header=column.header.clone()>
            <td class=TD>{column.letter.clone()}</td>
            <td class=format!("{TD} break-words font-medium")><label for=select_id.clone()>{column.header.clone()}</label></td>
            <td class=format!("{TD} break-all text-xs text-slate-600")>{column.samples.join(" · ")}</td>
            <td class=TD>
                <select id=select_id name=format!("draft[fields][{}]", column.index) aria-label=format!("{} {}: {}", tr("Kolom", "Column"), column.letter, column.header) class="max-w-[14rem] rounded-md border border-slate-300 px-2 py-1 text-sm" data-testid="import-field">
                    {Field::ALL.iter().map(|field| {
                        let required = destination.required().contains(field);
                        let text = if required { format!("{} *", label(*field)) } else { label(*field).to_string() };
                        view! { <option value=field.code() selected=*field == chosen>{text}</option> }
                    }).collect_view()}
                </select>
            </td>
        </tr>
    }
}

/// The first rows as they will be stored, problems marked on their cells.
#[component]
fn PreviewTable(fields: Vec<Field>, rows: Vec<PreviewRow>) -> impl IntoView {
    view! {
        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4">
            <h2 class="mb-2 font-semibold">{format!("{} ({} {})", tr("Pratinjau", "Preview"), rows.len(), tr("baris pertama", "first rows"))}</h2>
            <div class="overflow-x-auto" tabindex="0" role="region" aria-label=tr("Pratinjau, dapat digeser", "Preview, scrollable")>
                <table class=TABLE data-testid="import-preview">
                    <thead><tr>
                        <th class=TH>{tr("Baris", "Row")}</th>
                        {fields.iter().map(|field| view! { <th class=TH>{label(*field)}</th> }).collect_view()}
                    </tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {rows.into_iter().map(|row| view! {
                            <tr data-testid="import-preview-row">
                                <td class=TD>{row.line}</td>
                                {row.cells.into_iter().map(|cell| match (cell.problem_id, cell.problem_en) {
                                    (Some(problem_id), Some(problem_en)) => {
                                        let problem = either_lang(&(problem_id, problem_en));
                                        let title = problem.clone();
                                        Either::Left(view! {
                                            <td class=format!("{TD} bg-red-50 text-red-900") title=title data-testid="import-preview-problem">
                                                <span class="block">{cell.text}</span>
                                                <span class="block text-xs">{problem}</span>
                                            </td>
                                        })
                                    }
                                    _ => Either::Right(view! { <td class=TD>{cell.text}</td> }),
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// What checking the whole file found.
#[component]
fn SurveyCounts(
    survey: SheetSurvey,
    destination: SheetDestination,
    numbering: RelationshipNumbering,
) -> impl IntoView {
    // Unread SHDK numbers under the registry's numbering: most likely a
    // list numbered as the family card does.
    let numbering_hint = (survey.relationship_unread > 0
        && numbering == RelationshipNumbering::Registry)
        .then(|| {
            view! {
                <p class="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="import-shdk-hint">
                    {format!(
                        "{} {}",
                        number_id(survey.relationship_unread),
                        tr(
                            "baris SHDK-nya tidak terbaca dengan penomoran DTKS (1–8). Bila berkas memakai penomoran KK/Dukcapil (1–11: 3 istri, 4 anak), pilih penomoran itu di pemetaan lalu simpan lagi: angka 3 dan 4 pun berarti lain.",
                            "rows have an SHDK that does not read in the registry's numbering (1–8). If the file numbers it as the family card does (1–11: 3 wife, 4 child), choose that numbering in the mapping and save again: 3 and 4 mean otherwise too.",
                        ),
                    )}
                </p>
            }
        });
    let rows = if destination == SheetDestination::Proposals {
        vec![
            (tr("Baris data", "Data rows"), survey.rows, "rows"),
            (tr("Keluarga", "Families"), survey.families, "families"),
            (
                tr("Baris akan ditolak", "Rows to be rejected"),
                survey.invalid,
                "invalid",
            ),
            (
                tr("Keluarga akan diusulkan", "Families to be proposed"),
                survey.to_propose,
                "to_propose",
            ),
            (
                tr(
                    "Sudah diusulkan atau sudah di DTKS (dilewati)",
                    "Already proposed or in the registry (left as they are)",
                ),
                survey.known_families,
                "known",
            ),
            (
                tr(
                    "Mungkin ganda dengan keluarga yang tercatat (tidak diusulkan, perlu diperiksa)",
                    "Likely the same as a household on record (not proposed, to be checked)",
                ),
                survey.likely_duplicates,
                "duplicates",
            ),
        ]
    } else {
        vec![
            (tr("Baris data", "Data rows"), survey.rows, "rows"),
            (tr("Keluarga", "Families"), survey.families, "families"),
            (tr("Akan diterima", "To be accepted"), survey.valid, "valid"),
            (
                tr("Akan ditolak", "To be rejected"),
                survey.invalid,
                "invalid",
            ),
            (
                tr(
                    "Keluarga sudah ada di DTKS (diperbarui)",
                    "Families already in the registry (updated)",
                ),
                survey.known_families,
                "known",
            ),
            (
                tr(
                    "Kemungkinan ganda (NIK di keluarga lain atau dua kali)",
                    "Likely duplicates (NIK in another family or twice)",
                ),
                survey.likely_duplicates,
                "duplicates",
            ),
        ]
    };
    view! {
        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4">
            <h2 class="mb-2 font-semibold">{tr("Hasil pemeriksaan seluruh berkas", "Check of the whole file")}</h2>
            {numbering_hint}
            <dl class="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 text-sm" data-testid="import-survey">
                {rows.into_iter().map(|(name, count, key)| view! {
                    <dt>{name}</dt>
                    <dd class="text-right font-semibold" data-count=key>{number_id(count)}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}

/// What the import did, and the rejected rows to download.
#[component]
fn ImportResult(
    result: shared::sheet_import::SheetResult,
    destination: SheetDestination,
    id: i64,
    rejected_report: bool,
) -> impl IntoView {
    let lines = match destination {
        SheetDestination::Registry => vec![
            (tr("Baris dibaca", "Rows read"), result.rows, "rows"),
            (tr("Diterima", "Accepted"), result.accepted, "accepted"),
            (tr("Ditolak", "Rejected"), result.rejected, "rejected"),
            (
                tr("Keluarga disimpan", "Families saved"),
                result.families,
                "families",
            ),
            (
                tr(
                    "Keluarga di portal yang ditautkan",
                    "Households of the portal linked",
                ),
                result.households_linked,
                "linked",
            ),
        ],
        SheetDestination::Proposals => vec![
            (tr("Baris dibaca", "Rows read"), result.rows, "rows"),
            (
                tr("Baris ditolak", "Rows rejected"),
                result.rejected,
                "rejected",
            ),
            (
                tr("Keluarga dalam daftar", "Families in the list"),
                result.families,
                "families",
            ),
            (
                tr("Usulan keluarga baru dibuat", "New-family proposals made"),
                result.proposals_made,
                "proposals",
            ),
            (
                tr(
                    "Keluarga dilewati (sudah diusulkan, sudah di DTKS, atau mungkin ganda)",
                    "Families left (already proposed, in the registry, or likely duplicates)",
                ),
                result.families_skipped,
                "skipped",
            ),
        ],
    };
    view! {
        <section class="mt-4 rounded-xl border border-emerald-200 bg-emerald-50 p-4" data-testid="import-result">
            <h2 class="mb-2 font-semibold">{tr("Impor selesai", "Import finished")}</h2>
            <dl class="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 text-sm">
                {lines.into_iter().map(|(name, count, key)| view! {
                    <dt>{name}</dt>
                    <dd class="text-right font-semibold" data-count=key>{number_id(count)}</dd>
                }).collect_view()}
            </dl>
            {(destination == SheetDestination::Proposals && result.proposals_made > 0).then(|| view! {
                <p class="mt-2 text-sm">
                    <a href=format!("{}?tahap=proposed", paths::PROPOSALS) class="text-teal-800 underline" data-testid="import-proposals-link">
                        {tr("Lihat usulan yang menunggu musdes", "See the proposals waiting for the village meeting")}
                    </a>
                </p>
            })}
            {rejected_report.then(|| view! {
                <a href=paths::sheet_rejected(id) class=format!("{BUTTON} mt-3 inline-block") rel="external" download data-testid="import-rejected-download">
                    {match destination {
                        SheetDestination::Registry => tr("Unduh baris yang ditolak (CSV)", "Download the rejected rows (CSV)"),
                        SheetDestination::Proposals => tr("Unduh baris yang ditolak dan keluarga yang dilewati (CSV)", "Download the rejected rows and the families left (CSV)"),
                    }}
                </a>
            })}
        </section>
    }
}
