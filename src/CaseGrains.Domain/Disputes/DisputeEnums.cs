using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Disputes;

/// <summary>纠纷来源 — how the dispute came to the township.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DisputeSource>))]
public enum DisputeSource
{
    /// <summary>排查发现.</summary>
    Screening,

    /// <summary>当事人申请.</summary>
    Application,

    /// <summary>信访转办.</summary>
    PetitionReferral,

    /// <summary>网格员上报.</summary>
    GridReport,

    /// <summary>公安移交.</summary>
    PoliceReferral,

    /// <summary>法院委派.</summary>
    CourtReferral,

    /// <summary>其他.</summary>
    Other,
}

/// <summary>风险等级 — how likely the matter is to escalate; describes the matter, never a person.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<RiskLevel>))]
public enum RiskLevel
{
    /// <summary>低.</summary>
    Low,

    /// <summary>中.</summary>
    Medium,

    /// <summary>高.</summary>
    High,
}

/// <summary>调处状态 — where a dispute stands.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DisputeStatus>))]
public enum DisputeStatus
{
    /// <summary>已登记.</summary>
    Registered,

    /// <summary>已受理 — being mediated.</summary>
    Accepted,

    /// <summary>已化解 — an agreement was reached.</summary>
    Resolved,

    /// <summary>调解不成 — the routes were told (人民调解法 art. 26).</summary>
    Failed,

    /// <summary>已回访结案 — followed up after resolution.</summary>
    Closed,
}

/// <summary>调解程序.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<MediationProcedure>))]
public enum MediationProcedure
{
    /// <summary>简易程序 — on the spot, oral agreement, short record.</summary>
    Simple,

    /// <summary>一般程序 — registration, recorded sessions, written agreement, archive, follow-up.</summary>
    General,
}

/// <summary>协议形式 (人民调解法 art. 28–30).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AgreementForm>))]
public enum AgreementForm
{
    /// <summary>口头协议, recorded by the mediator.</summary>
    Oral,

    /// <summary>书面调解协议书.</summary>
    Written,
}

/// <summary>告知途径 of a failed mediation.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ReferralRoute>))]
public enum ReferralRoute
{
    /// <summary>诉讼.</summary>
    Litigation,

    /// <summary>仲裁.</summary>
    Arbitration,

    /// <summary>行政途径.</summary>
    Administrative,

    /// <summary>其他.</summary>
    Other,
}

/// <summary>回访结果 — was the agreement kept.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<FollowUpResult>))]
public enum FollowUpResult
{
    /// <summary>已履行.</summary>
    Fulfilled,

    /// <summary>部分履行.</summary>
    Partly,

    /// <summary>未履行.</summary>
    Not,
}
