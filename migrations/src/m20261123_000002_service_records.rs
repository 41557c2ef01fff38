//! The records of the one-door service: catalogue (institutions, programmes),
//! households and members, the district's registry slice, enrolments, cases
//! with complaints and referrals, registry proposals, household events,
//! attachments and idempotency keys. Identity numbers are stored only as a
//! keyed hash (for lookup), a sealed (encrypted) copy and a masked form.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Areas {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserAssignments {
    Table,
    InstitutionId,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
    Name,
    Kind,
    AreaCode,
    Address,
    Phone,
    Active,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Programmes {
    Table,
    Id,
    Code,
    Kind,
    Name,
    Description,
    Sector,
    InstitutionKinds,
    InstitutionId,
    AreaCode,
    Active,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Households {
    Table,
    Id,
    KkHash,
    KkSealed,
    KkMasked,
    HeadName,
    VillageCode,
    Dusun,
    Rw,
    Rt,
    Street,
    RegistryId,
    Desil,
    IncomeBand,
    Details,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
    HouseholdId,
    NikHash,
    NikSealed,
    NikMasked,
    Name,
    Sex,
    BirthDate,
    Relationship,
    RegistryStatus,
    Details,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum RegistryFamilies {
    Table,
    RegistryId,
    Source,
    KkHash,
    KkSealed,
    KkMasked,
    HeadName,
    VillageCode,
    Address,
    Desil,
    Programmes,
    ImportId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RegistryPeople {
    Table,
    Id,
    RegistryId,
    NikHash,
    NikSealed,
    NikMasked,
    Name,
    Relationship,
    ImportId,
}

#[derive(DeriveIden)]
enum RegistryImports {
    Table,
    Id,
    FileName,
    FileSha256,
    StartedAt,
    FinishedAt,
    RowsTotal,
    RowsAccepted,
    RowsRejected,
    Status,
    ImportedBy,
}

#[derive(DeriveIden)]
enum Enrolments {
    Table,
    Id,
    HouseholdId,
    ProgrammeId,
    Since,
    Until,
    Source,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Number,
    HouseholdId,
    VillageCode,
    Channel,
    State,
    Level,
    CloseReason,
    OpenedOn,
    DueOn,
    OpenedBy,
    AssignedTo,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    At,
    ActorUserId,
    ActorRole,
    Action,
    FromState,
    ToState,
    Note,
}

#[derive(DeriveIden)]
enum Complaints {
    Table,
    Id,
    CaseId,
    MemberId,
    ComplaintType,
    Sector,
    Description,
    Channel,
    Urgency,
    Evidence,
    ReceivedOn,
    DueOn,
    OfficerUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    Number,
    CaseId,
    ComplaintId,
    ProgrammeId,
    InstitutionId,
    State,
    IssuedOn,
    DueOn,
    OutcomeNote,
    VerificationCode,
    ConsentAt,
    ConsentBy,
    ConsentNote,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReferralEvents {
    Table,
    Id,
    ReferralId,
    At,
    ActorUserId,
    ActorRole,
    Action,
    FromState,
    ToState,
    Note,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    HouseholdId,
    VillageCode,
    Kind,
    Source,
    Stage,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProposalEvents {
    Table,
    Id,
    ProposalId,
    At,
    ActorUserId,
    ActorRole,
    Action,
    FromState,
    ToState,
    Note,
}

#[derive(DeriveIden)]
enum HouseholdEvents {
    Table,
    Id,
    HouseholdId,
    Kind,
    OccurredOn,
    Document,
    Note,
    FromVillage,
    ToVillage,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    OwnerType,
    OwnerId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    StoragePath,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Key,
    UserId,
    ObjectType,
    ObjectId,
    CreatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

/// An event table: who moved an object from one state to another, when and why.
fn event_table(
    table: impl IntoIden + Clone,
    id: impl IntoIden,
    owner: impl IntoIden + Clone,
    owner_table: impl IntoIden,
    owner_id: impl IntoIden,
    columns: [DynIden; 7],
) -> TableCreateStatement {
    let [at, actor, role, action, from_state, to_state, note] = columns;
    let name = format!("fk_{}_owner", table.clone().into_iden());
    Table::create()
        .table(table.clone())
        .col(big_pk_auto(id))
        .col(big_integer(owner.clone()))
        .col(timestamp_with_time_zone(at))
        .col(big_integer_null(actor))
        .col(string_len_null(role, 32))
        .col(string_len(action, 40))
        .col(string_len_null(from_state, 40))
        .col(string_len(to_state, 40))
        .col(text_null(note))
        .foreign_key(&mut fk(&name, (table, owner), (owner_table, owner_id)))
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column);
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Institutions::Table)
                    .col(big_pk_auto(Institutions::Id))
                    .col(string_len(Institutions::Name, 160))
                    .col(string_len(Institutions::Kind, 40))
                    .col(string_len_null(Institutions::AreaCode, 13))
                    .col(string_len_null(Institutions::Address, 255))
                    .col(string_len_null(Institutions::Phone, 32))
                    .col(boolean(Institutions::Active).default(true))
                    .col(timestamp_with_time_zone(Institutions::CreatedAt))
                    .col(timestamp_with_time_zone(Institutions::UpdatedAt))
                    .col(integer(Institutions::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_institutions_area",
                        (Institutions::Table, Institutions::AreaCode),
                        (Areas::Table, Areas::Code),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Programmes::Table)
                    .col(big_pk_auto(Programmes::Id))
                    .col(string_len_uniq(Programmes::Code, 40))
                    .col(string_len(Programmes::Kind, 40))
                    .col(string_len(Programmes::Name, 160))
                    .col(text_null(Programmes::Description))
                    .col(string_len(Programmes::Sector, 40).default("other"))
                    .col(text(Programmes::InstitutionKinds).default("[]"))
                    .col(big_integer_null(Programmes::InstitutionId))
                    .col(string_len_null(Programmes::AreaCode, 13))
                    .col(boolean(Programmes::Active).default(true))
                    .col(timestamp_with_time_zone(Programmes::CreatedAt))
                    .col(timestamp_with_time_zone(Programmes::UpdatedAt))
                    .col(integer(Programmes::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_programmes_institution",
                        (Programmes::Table, Programmes::InstitutionId),
                        (Institutions::Table, Institutions::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Households::Table)
                    .col(big_pk_auto(Households::Id))
                    .col(string_len(Households::KkHash, 64))
                    .col(text(Households::KkSealed))
                    .col(string_len(Households::KkMasked, 16))
                    .col(string_len(Households::HeadName, 120))
                    .col(string_len(Households::VillageCode, 13))
                    .col(string_len_null(Households::Dusun, 80))
                    .col(string_len_null(Households::Rw, 3))
                    .col(string_len_null(Households::Rt, 3))
                    .col(string_len_null(Households::Street, 255))
                    .col(string_len_null(Households::RegistryId, 40))
                    .col(small_integer_null(Households::Desil))
                    .col(string_len(Households::IncomeBand, 40))
                    .col(text(Households::Details))
                    .col(string_len(Households::Status, 20))
                    .col(big_integer_null(Households::CreatedBy))
                    .col(timestamp_with_time_zone(Households::CreatedAt))
                    .col(timestamp_with_time_zone(Households::UpdatedAt))
                    .col(integer(Households::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_households_village",
                        (Households::Table, Households::VillageCode),
                        (Areas::Table, Areas::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_households_kk_hash",
            Households::Table,
            vec![Households::KkHash.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "idx_households_village_desil",
            Households::Table,
            vec![
                Households::VillageCode.into_iden(),
                Households::Desil.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_households_registry_id",
            Households::Table,
            vec![Households::RegistryId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Members::Table)
                    .col(big_pk_auto(Members::Id))
                    .col(big_integer(Members::HouseholdId))
                    .col(string_len_null(Members::NikHash, 64))
                    .col(text_null(Members::NikSealed))
                    .col(string_len_null(Members::NikMasked, 16))
                    .col(string_len(Members::Name, 120))
                    .col(string_len(Members::Sex, 12))
                    .col(date(Members::BirthDate))
                    .col(small_integer(Members::Relationship))
                    .col(string_len(Members::RegistryStatus, 40))
                    .col(text(Members::Details))
                    .col(timestamp_with_time_zone(Members::CreatedAt))
                    .col(timestamp_with_time_zone(Members::UpdatedAt))
                    .col(integer(Members::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_members_household",
                        (Members::Table, Members::HouseholdId),
                        (Households::Table, Households::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_members_household",
            Members::Table,
            vec![Members::HouseholdId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_members_nik_hash",
            Members::Table,
            vec![Members::NikHash.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RegistryImports::Table)
                    .col(big_pk_auto(RegistryImports::Id))
                    .col(string_len(RegistryImports::FileName, 255))
                    .col(string_len(RegistryImports::FileSha256, 64))
                    .col(timestamp_with_time_zone(RegistryImports::StartedAt))
                    .col(timestamp_with_time_zone_null(RegistryImports::FinishedAt))
                    .col(big_integer(RegistryImports::RowsTotal).default(0))
                    .col(big_integer(RegistryImports::RowsAccepted).default(0))
                    .col(big_integer(RegistryImports::RowsRejected).default(0))
                    .col(string_len(RegistryImports::Status, 20))
                    .col(big_integer_null(RegistryImports::ImportedBy))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RegistryFamilies::Table)
                    .col(string_len(RegistryFamilies::RegistryId, 40).primary_key())
                    .col(string_len(RegistryFamilies::Source, 10))
                    .col(string_len(RegistryFamilies::KkHash, 64))
                    .col(text(RegistryFamilies::KkSealed))
                    .col(string_len(RegistryFamilies::KkMasked, 16))
                    .col(string_len(RegistryFamilies::HeadName, 120))
                    .col(string_len(RegistryFamilies::VillageCode, 13))
                    .col(string_len_null(RegistryFamilies::Address, 255))
                    .col(small_integer(RegistryFamilies::Desil))
                    .col(text(RegistryFamilies::Programmes))
                    .col(big_integer_null(RegistryFamilies::ImportId))
                    .col(timestamp_with_time_zone(RegistryFamilies::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_registry_families_village",
                        (RegistryFamilies::Table, RegistryFamilies::VillageCode),
                        (Areas::Table, Areas::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_registry_families_kk_hash",
            RegistryFamilies::Table,
            vec![RegistryFamilies::KkHash.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_registry_families_village_desil",
            RegistryFamilies::Table,
            vec![
                RegistryFamilies::VillageCode.into_iden(),
                RegistryFamilies::Desil.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RegistryPeople::Table)
                    .col(big_pk_auto(RegistryPeople::Id))
                    .col(string_len(RegistryPeople::RegistryId, 40))
                    .col(string_len(RegistryPeople::NikHash, 64))
                    .col(text(RegistryPeople::NikSealed))
                    .col(string_len(RegistryPeople::NikMasked, 16))
                    .col(string_len(RegistryPeople::Name, 120))
                    .col(small_integer(RegistryPeople::Relationship))
                    .col(big_integer_null(RegistryPeople::ImportId))
                    .foreign_key(
                        &mut fk(
                            "fk_registry_people_family",
                            (RegistryPeople::Table, RegistryPeople::RegistryId),
                            (RegistryFamilies::Table, RegistryFamilies::RegistryId),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_registry_people_family_nik",
            RegistryPeople::Table,
            vec![
                RegistryPeople::RegistryId.into_iden(),
                RegistryPeople::NikHash.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_registry_people_nik_hash",
            RegistryPeople::Table,
            vec![RegistryPeople::NikHash.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Enrolments::Table)
                    .col(big_pk_auto(Enrolments::Id))
                    .col(big_integer(Enrolments::HouseholdId))
                    .col(big_integer(Enrolments::ProgrammeId))
                    .col(date(Enrolments::Since))
                    .col(date_null(Enrolments::Until))
                    .col(string_len(Enrolments::Source, 20))
                    .col(timestamp_with_time_zone(Enrolments::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_enrolments_household",
                        (Enrolments::Table, Enrolments::HouseholdId),
                        (Households::Table, Households::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_enrolments_programme",
                        (Enrolments::Table, Enrolments::ProgrammeId),
                        (Programmes::Table, Programmes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_enrolments_household_programme",
            Enrolments::Table,
            vec![
                Enrolments::HouseholdId.into_iden(),
                Enrolments::ProgrammeId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(big_pk_auto(Cases::Id))
                    .col(string_len_uniq(Cases::Number, 40))
                    .col(big_integer(Cases::HouseholdId))
                    .col(string_len(Cases::VillageCode, 13))
                    .col(string_len(Cases::Channel, 40))
                    .col(string_len(Cases::State, 40))
                    .col(string_len(Cases::Level, 20))
                    .col(string_len_null(Cases::CloseReason, 40))
                    .col(date(Cases::OpenedOn))
                    .col(date(Cases::DueOn))
                    .col(big_integer_null(Cases::OpenedBy))
                    .col(big_integer_null(Cases::AssignedTo))
                    .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                    .col(timestamp_with_time_zone(Cases::CreatedAt))
                    .col(timestamp_with_time_zone(Cases::UpdatedAt))
                    .col(integer(Cases::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_cases_household",
                        (Cases::Table, Cases::HouseholdId),
                        (Households::Table, Households::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_cases_village_state_opened",
            Cases::Table,
            vec![
                Cases::VillageCode.into_iden(),
                Cases::State.into_iden(),
                Cases::OpenedOn.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_cases_village_opened",
            Cases::Table,
            vec![Cases::VillageCode.into_iden(), Cases::OpenedOn.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_cases_state_due",
            Cases::Table,
            vec![Cases::State.into_iden(), Cases::DueOn.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_cases_household",
            Cases::Table,
            vec![Cases::HouseholdId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(event_table(
                CaseEvents::Table,
                CaseEvents::Id,
                CaseEvents::CaseId,
                Cases::Table,
                Cases::Id,
                [
                    CaseEvents::At.into_iden(),
                    CaseEvents::ActorUserId.into_iden(),
                    CaseEvents::ActorRole.into_iden(),
                    CaseEvents::Action.into_iden(),
                    CaseEvents::FromState.into_iden(),
                    CaseEvents::ToState.into_iden(),
                    CaseEvents::Note.into_iden(),
                ],
            ))
            .await?;
        index(
            manager,
            "idx_case_events_case",
            CaseEvents::Table,
            vec![CaseEvents::CaseId.into_iden(), CaseEvents::At.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Complaints::Table)
                    .col(big_pk_auto(Complaints::Id))
                    .col(big_integer(Complaints::CaseId))
                    .col(big_integer_null(Complaints::MemberId))
                    .col(string_len(Complaints::ComplaintType, 40))
                    .col(string_len(Complaints::Sector, 40))
                    .col(text(Complaints::Description))
                    .col(string_len(Complaints::Channel, 40))
                    .col(string_len(Complaints::Urgency, 20))
                    .col(text(Complaints::Evidence))
                    .col(date(Complaints::ReceivedOn))
                    .col(date(Complaints::DueOn))
                    .col(big_integer_null(Complaints::OfficerUserId))
                    .col(timestamp_with_time_zone(Complaints::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_complaints_case",
                        (Complaints::Table, Complaints::CaseId),
                        (Cases::Table, Cases::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_complaints_case",
            Complaints::Table,
            vec![Complaints::CaseId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_complaints_sector_type",
            Complaints::Table,
            vec![
                Complaints::Sector.into_iden(),
                Complaints::ComplaintType.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Referrals::Table)
                    .col(big_pk_auto(Referrals::Id))
                    .col(string_len_uniq(Referrals::Number, 48))
                    .col(big_integer(Referrals::CaseId))
                    .col(big_integer_null(Referrals::ComplaintId))
                    .col(big_integer(Referrals::ProgrammeId))
                    .col(big_integer(Referrals::InstitutionId))
                    .col(string_len(Referrals::State, 40))
                    .col(date(Referrals::IssuedOn))
                    .col(date(Referrals::DueOn))
                    .col(text_null(Referrals::OutcomeNote))
                    .col(string_len_uniq(Referrals::VerificationCode, 32))
                    .col(timestamp_with_time_zone(Referrals::ConsentAt))
                    .col(string_len(Referrals::ConsentBy, 120))
                    .col(text_null(Referrals::ConsentNote))
                    .col(big_integer_null(Referrals::CreatedBy))
                    .col(timestamp_with_time_zone(Referrals::CreatedAt))
                    .col(timestamp_with_time_zone(Referrals::UpdatedAt))
                    .col(integer(Referrals::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_referrals_case",
                        (Referrals::Table, Referrals::CaseId),
                        (Cases::Table, Cases::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_referrals_programme",
                        (Referrals::Table, Referrals::ProgrammeId),
                        (Programmes::Table, Programmes::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_referrals_institution",
                        (Referrals::Table, Referrals::InstitutionId),
                        (Institutions::Table, Institutions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_referrals_case",
            Referrals::Table,
            vec![Referrals::CaseId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_referrals_institution_state",
            Referrals::Table,
            vec![
                Referrals::InstitutionId.into_iden(),
                Referrals::State.into_iden(),
                Referrals::DueOn.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(event_table(
                ReferralEvents::Table,
                ReferralEvents::Id,
                ReferralEvents::ReferralId,
                Referrals::Table,
                Referrals::Id,
                [
                    ReferralEvents::At.into_iden(),
                    ReferralEvents::ActorUserId.into_iden(),
                    ReferralEvents::ActorRole.into_iden(),
                    ReferralEvents::Action.into_iden(),
                    ReferralEvents::FromState.into_iden(),
                    ReferralEvents::ToState.into_iden(),
                    ReferralEvents::Note.into_iden(),
                ],
            ))
            .await?;
        index(
            manager,
            "idx_referral_events_referral",
            ReferralEvents::Table,
            vec![
                ReferralEvents::ReferralId.into_iden(),
                ReferralEvents::At.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(big_pk_auto(Proposals::Id))
                    .col(big_integer(Proposals::HouseholdId))
                    .col(string_len(Proposals::VillageCode, 13))
                    .col(string_len(Proposals::Kind, 40))
                    .col(string_len(Proposals::Source, 40))
                    .col(string_len(Proposals::Stage, 40))
                    .col(big_integer_null(Proposals::CreatedBy))
                    .col(timestamp_with_time_zone(Proposals::CreatedAt))
                    .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                    .col(integer(Proposals::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_proposals_household",
                        (Proposals::Table, Proposals::HouseholdId),
                        (Households::Table, Households::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_proposals_village_stage",
            Proposals::Table,
            vec![
                Proposals::VillageCode.into_iden(),
                Proposals::Stage.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(event_table(
                ProposalEvents::Table,
                ProposalEvents::Id,
                ProposalEvents::ProposalId,
                Proposals::Table,
                Proposals::Id,
                [
                    ProposalEvents::At.into_iden(),
                    ProposalEvents::ActorUserId.into_iden(),
                    ProposalEvents::ActorRole.into_iden(),
                    ProposalEvents::Action.into_iden(),
                    ProposalEvents::FromState.into_iden(),
                    ProposalEvents::ToState.into_iden(),
                    ProposalEvents::Note.into_iden(),
                ],
            ))
            .await?;
        index(
            manager,
            "idx_proposal_events_proposal",
            ProposalEvents::Table,
            vec![
                ProposalEvents::ProposalId.into_iden(),
                ProposalEvents::At.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(HouseholdEvents::Table)
                    .col(big_pk_auto(HouseholdEvents::Id))
                    .col(big_integer(HouseholdEvents::HouseholdId))
                    .col(string_len(HouseholdEvents::Kind, 40))
                    .col(date(HouseholdEvents::OccurredOn))
                    .col(string_len(HouseholdEvents::Document, 120))
                    .col(text_null(HouseholdEvents::Note))
                    .col(string_len_null(HouseholdEvents::FromVillage, 13))
                    .col(string_len_null(HouseholdEvents::ToVillage, 13))
                    .col(big_integer_null(HouseholdEvents::RecordedBy))
                    .col(timestamp_with_time_zone(HouseholdEvents::RecordedAt))
                    .foreign_key(&mut fk(
                        "fk_household_events_household",
                        (HouseholdEvents::Table, HouseholdEvents::HouseholdId),
                        (Households::Table, Households::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_household_events_household",
            HouseholdEvents::Table,
            vec![HouseholdEvents::HouseholdId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(big_pk_auto(Attachments::Id))
                    .col(string_len(Attachments::OwnerType, 40))
                    .col(big_integer(Attachments::OwnerId))
                    .col(string_len(Attachments::FileName, 255))
                    .col(string_len(Attachments::ContentType, 100))
                    .col(big_integer(Attachments::SizeBytes))
                    .col(string_len(Attachments::Sha256, 64))
                    .col(string_len(Attachments::StoragePath, 255))
                    .col(big_integer_null(Attachments::UploadedBy))
                    .col(timestamp_with_time_zone(Attachments::UploadedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_attachments_owner",
            Attachments::Table,
            vec![
                Attachments::OwnerType.into_iden(),
                Attachments::OwnerId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(string_len(IdempotencyKeys::Key, 64).primary_key())
                    .col(big_integer(IdempotencyKeys::UserId))
                    .col(string_len(IdempotencyKeys::ObjectType, 40))
                    .col(big_integer(IdempotencyKeys::ObjectId))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_idempotency_keys_user",
                        (IdempotencyKeys::Table, IdempotencyKeys::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        // Receiving-institution users are linked to their institution.
        index(
            manager,
            "idx_user_assignments_institution",
            UserAssignments::Table,
            vec![UserAssignments::InstitutionId.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_user_assignments_institution")
                    .table(UserAssignments::Table)
                    .to_owned(),
            )
            .await?;
        for table in [
            IdempotencyKeys::Table.into_iden(),
            Attachments::Table.into_iden(),
            HouseholdEvents::Table.into_iden(),
            ProposalEvents::Table.into_iden(),
            Proposals::Table.into_iden(),
            ReferralEvents::Table.into_iden(),
            Referrals::Table.into_iden(),
            Complaints::Table.into_iden(),
            CaseEvents::Table.into_iden(),
            Cases::Table.into_iden(),
            Enrolments::Table.into_iden(),
            RegistryPeople::Table.into_iden(),
            RegistryFamilies::Table.into_iden(),
            RegistryImports::Table.into_iden(),
            Members::Table.into_iden(),
            Households::Table.into_iden(),
            Programmes::Table.into_iden(),
            Institutions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
