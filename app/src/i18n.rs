//! Korean and English labels. Every visible string on the page comes from here.

/// The page language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// Korean when the browser's preferred language is Korean, English otherwise.
    pub fn from_browser_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The other language (the switch toggles between the two).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// BCP-47 tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }
}

/// A label key; `text` gives its words in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Title,
    Subtitle,
    ZooKeeperEnsemble,
    Brokers,
    Clients,
    Running,
    Stopped,
    Killed,
    Paused,
    SwitchLanguage,
    ClusterView,
    VirtualTime,
    Seed,
    Play,
    Pause,
    Step,
    Speed,
    Restart,
    TimeControls,
    Leader,
    Follower,
    Looking,
    Down,
    Epoch,
    Faults,
    Stop,
    Kill,
    Start,
    Unpause,
    EventLog,
    Terminal,
    TerminalHint,
    Run,
    MessageTypes,
    Election,
    Zab,
    Heartbeats,
    ClientTraffic,
    NoEvents,
    Controller,
    Registering,
    Tutorial,
    Chapter,
    Sandbox,
    SandboxNote,
    Goals,
    GoalMet,
    GoalOpen,
    Hint,
    Steps,
    Previous,
    Next,
    ResetStep,
    ZkTree,
    ReadFrom,
    ServerDown,
    PickZnode,
    Share,
    ShareHint,
    BadLink,
    Presenter,
    Shortcuts,
    Compose,
    Apply,
    ResetCompose,
    ComposeRejected,
    ComposeApplied,
    RestartHint,
}

pub fn text(lang: Lang, label: Label) -> &'static str {
    use Label::*;
    match (lang, label) {
        (Lang::En, Title) => "Kafka Playground",
        (Lang::Ko, Title) => "카프카 플레이그라운드",
        (Lang::En, Subtitle) => "A virtual Kafka cluster in your browser: 3 ZooKeepers, 3 brokers",
        (Lang::Ko, Subtitle) => "브라우저 안의 가상 카프카 클러스터: 주키퍼 3대, 브로커 3대",
        (Lang::En, ZooKeeperEnsemble) => "ZooKeeper ensemble",
        (Lang::Ko, ZooKeeperEnsemble) => "주키퍼 앙상블",
        (Lang::En, Brokers) => "Kafka brokers",
        (Lang::Ko, Brokers) => "카프카 브로커",
        (Lang::En, Clients) => "Clients",
        (Lang::Ko, Clients) => "클라이언트",
        (Lang::En, Running) => "running",
        (Lang::Ko, Running) => "실행 중",
        (Lang::En, Stopped) => "stopped",
        (Lang::Ko, Stopped) => "중지됨",
        (Lang::En, Killed) => "killed",
        (Lang::Ko, Killed) => "강제 종료됨",
        (Lang::En, Paused) => "paused",
        (Lang::Ko, Paused) => "일시 정지됨",
        (Lang::En, SwitchLanguage) => "한국어",
        (Lang::Ko, SwitchLanguage) => "English",
        (Lang::En, ClusterView) => "Cluster view",
        (Lang::Ko, ClusterView) => "클러스터 보기",
        (Lang::En, VirtualTime) => "virtual time",
        (Lang::Ko, VirtualTime) => "가상 시간",
        (Lang::En, Seed) => "seed",
        (Lang::Ko, Seed) => "시드",
        (Lang::En, Play) => "Play",
        (Lang::Ko, Play) => "재생",
        (Lang::En, Pause) => "Pause",
        (Lang::Ko, Pause) => "일시 정지",
        (Lang::En, Step) => "Step",
        (Lang::Ko, Step) => "한 단계",
        (Lang::En, Speed) => "speed",
        (Lang::Ko, Speed) => "속도",
        (Lang::En, Restart) => "Restart",
        (Lang::Ko, Restart) => "재시작",
        (Lang::En, TimeControls) => "Time controls",
        (Lang::Ko, TimeControls) => "시간 조절",
        (Lang::En, Leader) => "LEADER",
        (Lang::Ko, Leader) => "리더",
        (Lang::En, Follower) => "FOLLOWER",
        (Lang::Ko, Follower) => "팔로워",
        (Lang::En, Looking) => "LOOKING",
        (Lang::Ko, Looking) => "선출 중",
        (Lang::En, Down) => "DOWN",
        (Lang::Ko, Down) => "꺼짐",
        (Lang::En, Epoch) => "epoch",
        (Lang::Ko, Epoch) => "에포크",
        (Lang::En, Faults) => "Hosts and faults",
        (Lang::Ko, Faults) => "호스트와 장애",
        (Lang::En, Stop) => "Stop",
        (Lang::Ko, Stop) => "중지",
        (Lang::En, Kill) => "Kill",
        (Lang::Ko, Kill) => "강제 종료",
        (Lang::En, Start) => "Start",
        (Lang::Ko, Start) => "시작",
        (Lang::En, Unpause) => "Unpause",
        (Lang::Ko, Unpause) => "재개",
        (Lang::En, EventLog) => "Event log",
        (Lang::Ko, EventLog) => "이벤트 로그",
        (Lang::En, Terminal) => "Terminal",
        (Lang::Ko, Terminal) => "터미널",
        (Lang::En, TerminalHint) => {
            "Type a command, e.g. zookeeper-shell zookeeper1:2181 ls / (help lists all)"
        }
        (Lang::Ko, TerminalHint) => {
            "명령을 입력하세요. 예: zookeeper-shell zookeeper1:2181 ls / (help: 전체 목록)"
        }
        (Lang::En, Run) => "Run",
        (Lang::Ko, Run) => "실행",
        (Lang::En, MessageTypes) => "Messages shown",
        (Lang::Ko, MessageTypes) => "표시할 메시지",
        (Lang::En, Election) => "election votes",
        (Lang::Ko, Election) => "선출 투표",
        (Lang::En, Zab) => "ZAB proposals/acks/commits",
        (Lang::Ko, Zab) => "ZAB 제안/응답/커밋",
        (Lang::En, Heartbeats) => "pings",
        (Lang::Ko, Heartbeats) => "핑",
        (Lang::En, ClientTraffic) => "client requests",
        (Lang::Ko, ClientTraffic) => "클라이언트 요청",
        (Lang::En, NoEvents) => "Nothing has happened yet.",
        (Lang::Ko, NoEvents) => "아직 아무 일도 없습니다.",
        (Lang::En, Controller) => "CONTROLLER",
        (Lang::Ko, Controller) => "컨트롤러",
        (Lang::En, Registering) => "registering…",
        (Lang::Ko, Registering) => "등록 중…",
        (Lang::En, Tutorial) => "Tutorial",
        (Lang::Ko, Tutorial) => "튜토리얼",
        (Lang::En, Chapter) => "Chapter",
        (Lang::Ko, Chapter) => "챕터",
        (Lang::En, Sandbox) => "Free play (sandbox)",
        (Lang::Ko, Sandbox) => "자유 실습 (샌드박스)",
        (Lang::En, SandboxNote) => "No chapter is open: the cluster is yours. Use the terminal, the fault buttons and the time controls, or pick a chapter to be guided step by step.",
        (Lang::Ko, SandboxNote) => "열린 챕터가 없습니다. 클러스터를 마음대로 다뤄 보세요: 터미널, 장애 버튼, 시간 조절을 쓰거나 챕터를 골라 한 단계씩 따라가세요.",
        (Lang::En, Goals) => "Goals",
        (Lang::Ko, Goals) => "목표",
        (Lang::En, GoalMet) => "(reached)",
        (Lang::Ko, GoalMet) => "(달성)",
        (Lang::En, GoalOpen) => "(not yet)",
        (Lang::Ko, GoalOpen) => "(아직)",
        (Lang::En, Hint) => "Hint",
        (Lang::Ko, Hint) => "힌트",
        (Lang::En, Steps) => "Steps",
        (Lang::Ko, Steps) => "단계",
        (Lang::En, Previous) => "Previous",
        (Lang::Ko, Previous) => "이전",
        (Lang::En, Next) => "Next",
        (Lang::Ko, Next) => "다음",
        (Lang::En, ResetStep) => "Reset this step",
        (Lang::Ko, ResetStep) => "이 단계 다시 하기",
        (Lang::En, ZkTree) => "ZooKeeper tree",
        (Lang::Ko, ZkTree) => "주키퍼 트리",
        (Lang::En, ReadFrom) => "as seen by",
        (Lang::Ko, ReadFrom) => "읽는 서버",
        (Lang::En, ServerDown) => "This server is not running: it serves nothing.",
        (Lang::Ko, ServerDown) => "이 서버는 실행 중이 아니어서 아무것도 보여줄 수 없습니다.",
        (Lang::En, Presenter) => "Presenter",
        (Lang::Ko, Presenter) => "발표자 모드",
        (Lang::En, Shortcuts) => "Keyboard shortcuts",
        (Lang::Ko, Shortcuts) => "키보드 단축키",
        (Lang::En, Compose) => "docker-compose.yml",
        (Lang::Ko, Compose) => "docker-compose.yml",
        (Lang::En, Apply) => "Apply (restarts the cluster)",
        (Lang::Ko, Apply) => "적용 (클러스터 재시작)",
        (Lang::En, ResetCompose) => "Back to the tutorial's file",
        (Lang::Ko, ResetCompose) => "튜토리얼 파일로 되돌리기",
        (Lang::En, ComposeRejected) => "Not applied; the cluster is unchanged.",
        (Lang::Ko, ComposeRejected) => "적용하지 않았습니다. 클러스터는 그대로입니다.",
        (Lang::En, ComposeApplied) => "Applied: the cluster restarted from this file. Not simulated:",
        (Lang::Ko, ComposeApplied) => "적용했습니다: 이 파일로 클러스터를 다시 시작했습니다. 시뮬레이션하지 않는 항목:",
        (Lang::En, RestartHint) => "Restart the cluster with this seed: the same seed gives the same run again",
        (Lang::Ko, RestartHint) => "이 시드로 클러스터를 다시 시작합니다. 같은 시드는 같은 실행을 재현합니다",
        (Lang::En, Share) => "Share",
        (Lang::Ko, Share) => "공유",
        (Lang::En, ShareHint) => "This link opens exactly this situation (seed, commands, chapter, step, language):",
        (Lang::Ko, ShareHint) => "이 링크는 지금 이 상황(시드, 실행한 명령, 챕터, 단계, 언어)을 그대로 엽니다:",
        (Lang::En, BadLink) => "This share link cannot be opened; the default cluster is shown instead:",
        (Lang::Ko, BadLink) => "공유 링크를 열 수 없어 기본 클러스터를 보여 줍니다:",
        (Lang::En, PickZnode) => "Pick a znode to see its data and stat.",
        (Lang::Ko, PickZnode) => "znode를 고르면 데이터와 stat이 보입니다.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tag_picks_korean_only_for_ko() {
        assert_eq!(Lang::from_browser_tag("ko-KR"), Lang::Ko);
        assert_eq!(Lang::from_browser_tag("KO"), Lang::Ko);
        assert_eq!(Lang::from_browser_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_browser_tag(""), Lang::En);
        assert_eq!(Lang::Ko.other(), Lang::En);
    }
}
