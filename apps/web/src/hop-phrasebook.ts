/**
 * The tracer's sentences (hop summaries, verdict reasons, explanations) in Russian. The server explains every hop
 * in English; each sentence kind is a template here, read back into its parameters (addresses, devices, rules,
 * nested phrases) and written out in Russian. A sentence no template reads stays English: the phrasebook spec
 * traces a corpus of labs that reaches every hop kind and fails on any sentence left untranslated.
 *
 * Templates: `{name}` is a parameter taken as is (an address, a device, a rule; never a whole sentence),
 * `{name:token}` one without spaces (a name), and `{name:kind}` a nested phrase translated by the templates of that kind.
 */
interface Phrase {
  en: string;
  ru: string;
}

const hop: Phrase[] = [
  { en: '{dst} is local: the packet loops back through lo without leaving the pod.', ru: '{dst} — локальный адрес: пакет возвращается через lo, не покидая под.' },
  { en: 'Route lookup for {dst}: {route}.', ru: 'Поиск маршрута для {dst}: {route}.' },
  { en: 'Route lookup for {dst}: {route}. Forwarding decrements the TTL to {ttl}.', ru: 'Поиск маршрута для {dst}: {route}. При пересылке TTL уменьшается до {ttl}.' },
  {
    en: 'Route lookup for {dst}: {route}. eBPF hands the packet from the tunnel to the endpoint without a decrement (ttl {ttl}).',
    ru: 'Поиск маршрута для {dst}: {route}. eBPF передаёт пакет из туннеля конечной точке, не уменьшая TTL (ttl {ttl}).',
  },
  { en: "The frame {src} → {dst} leaves through eth0, one end of the pod's veth pair.", ru: 'Кадр {src} → {dst} уходит через eth0 — один конец veth-пары пода.' },
  { en: "It comes out of {veth} in the node's root netns, {port:port}.", ru: 'Он выходит из {veth} в корневом сетевом пространстве имён узла: {port}.' },
  {
    en: "The destination MAC is {bridge}'s own: the bridge hands the packet up to the node's IP stack (it routes as the pod's gateway).",
    ru: 'MAC назначения принадлежит самому {bridge}: мост передаёт пакет в IP-стек узла (узел маршрутизирует его как шлюз пода).',
  },
  { en: "The destination MAC is {bridge}'s own: the bridge hands the packet up to {node}'s IP stack.", ru: 'MAC назначения принадлежит самому {bridge}: мост передаёт пакет в IP-стек узла {node}.' },
  { en: 'conntrack reverses the Service DNAT: the reply now comes from {address}.', ru: 'conntrack отменяет DNAT сервиса: теперь ответ приходит от {address}.' },
  {
    en: 'The frame is bridged, but br_netfilter passes it through iptables: conntrack reverses the Service DNAT: the reply now comes from {address}.',
    ru: 'Кадр коммутируется мостом, но br_netfilter пропускает его через iptables: conntrack отменяет DNAT сервиса, теперь ответ приходит от {address}.',
  },
  { en: '{bridge} looks {mac} up in its FDB (learned on {veth}) and forwards the frame out of that port.', ru: '{bridge} находит {mac} в своей FDB (адрес изучен на {veth}) и отправляет кадр в этот порт.' },
  {
    en: '{bridge} looks {mac} up in its FDB (learned on {veth}) and forwards the frame out of that port (hairpin).',
    ru: '{bridge} находит {mac} в своей FDB (адрес изучен на {veth}) и отправляет кадр обратно в тот же порт (hairpin).',
  },
  { en: 'Through the veth pair the frame reaches eth0 of {pod}.', ru: 'Через veth-пару кадр попадает в eth0 пода {pod}.' },
  { en: "conntrack reverses the masquerade: the reply's destination becomes {address} again.", ru: 'conntrack отменяет маскарадинг: адрес назначения ответа снова {address}.' },
  { en: "{dst} is one of the node's own addresses: delivered locally through lo.", ru: '{dst} — один из адресов самого узла: пакет доставляется локально через lo.' },
  {
    en: 'TTL reaches 0 while forwarding: the node drops the packet and answers ICMP time exceeded.',
    ru: 'При пересылке TTL достигает 0: узел отбрасывает пакет и отвечает ICMP time exceeded.',
  },
  {
    en: 'eBPF looks {dst} up in the ipcache: it lives on {node}, tunnel endpoint {ip}; the packet is redirected to {device}.',
    ru: 'eBPF ищет {dst} в ipcache: адрес находится на {node}, конечная точка туннеля {ip}; пакет перенаправляется в {device}.',
  },
  {
    en: '{via} lladdr {mac} PERMANENT: a static neighbour entry Felix installed for {node}, so no ARP on the overlay.',
    ru: '{via} lladdr {mac} PERMANENT: статическая запись соседа, которую Felix создал для {node}, поэтому ARP в оверлее не нужен.',
  },
  {
    en: '{via} lladdr {mac} PERMANENT: a static neighbour entry flanneld installed for {node}, so no ARP on the overlay.',
    ru: '{via} lladdr {mac} PERMANENT: статическая запись соседа, которую flanneld создал для {node}, поэтому ARP в оверлее не нужен.',
  },
  { en: 'The FDB of {device} maps VTEP {mac} to {ip} (self permanent).', ru: 'FDB устройства {device} сопоставляет VTEP {mac} адресу {ip} (self permanent).' },
  {
    en: '{dst} is a local endpoint: eBPF rewrites the MACs and redirects the packet to {device} (no ARP, no bridge).',
    ru: '{dst} — локальная конечная точка: eBPF переписывает MAC-адреса и перенаправляет пакет в {device} (без ARP и без моста).',
  },
  { en: 'Out of {device}, through the veth pair, the packet reaches eth0 of {pod}.', ru: 'Из {device} через veth-пару пакет попадает в eth0 пода {pod}.' },
  {
    en: '{bridge} has no local port for {mac}: the frame goes to {router:weaveRouter}, which knows it is on peer {node}.',
    ru: 'У {bridge} нет локального порта для {mac}: кадр уходит в {router}, который знает, что адрес на пире {node}.',
  },
  { en: '{device} wraps the packet in {name:encapsulation} {ports}; {bytes} bytes on the wire.', ru: '{device} упаковывает пакет в {name} {ports}; на проводе {bytes} байт.' },
  {
    en: '{device} wraps the whole frame in VXLAN (VNI {vni}) inside UDP {ports}; {bytes} bytes on the wire.',
    ru: '{device} упаковывает весь кадр в VXLAN (VNI {vni}) внутри UDP {ports}; на проводе {bytes} байт.',
  },
  {
    en: '{by} encrypts the whole packet for {node}: the wire shows only {carrier:carrier}; the inner addresses, ports and payload are not readable.',
    ru: '{by} шифрует весь пакет для {node}: на проводе видно только {carrier}; внутренние адреса, порты и данные прочитать нельзя.',
  },
  {
    en: 'The outer packet leaves eth0 for {node} ({ip}) on the same L2 segment {network}: one hop, no router.',
    ru: 'Внешний пакет уходит из eth0 на {node} ({ip}) в том же L2-сегменте {network}: один переход, без маршрутизатора.',
  },
  {
    en: 'The UDP datagram leaves eth0 for {node} ({ip}) on the same L2 segment {network}: one hop, no router.',
    ru: 'UDP-датаграмма уходит из eth0 на {node} ({ip}) в том же L2-сегменте {network}: один переход, без маршрутизатора.',
  },
  { en: '{node} receives it on eth0.', ru: '{node} принимает его на eth0.' },
  { en: '{node} decrypts it ({device}): the encapsulated packet is readable again.', ru: '{node} расшифровывает его ({device}): инкапсулированный пакет снова можно прочитать.' },
  { en: '{socket:socket}: {device} strips the outer headers.', ru: '{socket}: {device} снимает внешние заголовки.' },
  {
    en: "UDP port {port} belongs to the kernel's VXLAN socket: {device} strips the outer headers; the inner frame is addressed to its own MAC {mac}.",
    ru: 'UDP-порт {port} принадлежит VXLAN-сокету ядра: {device} снимает внешние заголовки; внутренний кадр адресован его собственному MAC {mac}.',
  },
  {
    en: 'nat {chain} → KUBE-SERVICES matches {service} ({address}); one of {count} endpoints is chosen and pinned by conntrack: DNAT to {target}.',
    ru: 'nat {chain} → KUBE-SERVICES: совпадение с {service} ({address}); выбирается одна из конечных точек (их {count}), conntrack закрепляет выбор: DNAT в {target}.',
  },
  {
    en: 'nat {chain} → KUBE-SERVICES matches {service} ({address}); one of 1 endpoint is chosen and pinned by conntrack: DNAT to {target}.',
    ru: 'nat {chain} → KUBE-SERVICES: совпадение с {service} ({address}); конечная точка одна, conntrack закрепляет выбор: DNAT в {target}.',
  },
  {
    en: 'nat {chain} of {node} has no KUBE-SERVICES rule for {service} ({address}): nothing translates the ClusterIP, no host owns it, and the packet is lost (the client times out). {recovery:recovery}',
    ru: 'В nat {chain} узла {node} нет правила KUBE-SERVICES для {service} ({address}): ClusterIP никто не транслирует, ни одному хосту он не принадлежит, и пакет теряется (у клиента истекает тайм-аут). {recovery}',
  },
  {
    en: 'nat {chain} of {node} has no KUBE-SERVICES rule for {service} ({address}) since `iptables {args}` (event {seq}): nothing translates the ClusterIP, no host owns it, and the packet is lost (the client times out). {recovery:recovery}',
    ru: 'В nat {chain} узла {node} нет правила KUBE-SERVICES для {service} ({address}) после `iptables {args}` (событие {seq}): ClusterIP никто не транслирует, ни одному хосту он не принадлежит, и пакет теряется (у клиента истекает тайм-аут). {recovery}',
  },
  { en: '{hook}: {by:decider} rejects the packet with ICMP port unreachable (Connection refused).', ru: '{hook}: {by} отклоняет пакет с ICMP port unreachable (Connection refused).' },
  { en: '{hook}: {by:decider} drops the packet silently (the client times out).', ru: '{hook}: {by} молча отбрасывает пакет (у клиента истекает тайм-аут).' },
  {
    en: "nat POSTROUTING → KUBE-POSTROUTING: the packet carries kube-proxy's mark 0x4000, so it is masqueraded: source {from} → {to}.",
    ru: 'nat POSTROUTING → KUBE-POSTROUTING: на пакете метка kube-proxy 0x4000, поэтому он маскарадится: источник {from} → {to}.',
  },
  { en: 'nat POSTROUTING ({chain}) masquerades the source {from} → {to}: the destination is outside the pod network.', ru: 'nat POSTROUTING ({chain}) маскарадит источник {from} → {to}: назначение вне сети подов.' },
  { en: "nat POSTROUTING ({chain}) masquerades the source {from} → {to}: the destination is outside the node's pod subnet.", ru: 'nat POSTROUTING ({chain}) маскарадит источник {from} → {to}: назначение вне подсети подов узла.' },
  { en: 'The frame leaves eth0 through the gateway {via} ({owner:owner}) on {network}.', ru: 'Кадр уходит из eth0 через шлюз {via} ({owner}) в сети {network}.' },
  { en: 'The frame leaves eth0 to {owner:owner} on {network}.', ru: 'Кадр уходит из eth0 в сети {network}, получатель — {owner}.' },
  { en: 'Router {router} receives the frame on {device}.', ru: 'Маршрутизатор {router} принимает кадр на {device}.' },
  { en: 'Router {router} has no route to {dst}: it answers ICMP network unreachable.', ru: 'У маршрутизатора {router} нет маршрута к {dst}: он отвечает ICMP network unreachable.' },
  { en: 'Router {router}: {route}. Forwarding decrements the TTL to {ttl}.', ru: 'Маршрутизатор {router}: {route}. При пересылке TTL уменьшается до {ttl}.' },
  { en: 'Router {router} sends the frame to {owner:owner}.', ru: 'Маршрутизатор {router} отправляет кадр, получатель — {owner}.' },
  { en: 'The host gateway {gateway} delivers the packet to {node} ({ip}) on {network}.', ru: 'Шлюз хоста {gateway} доставляет пакет узлу {node} ({ip}) в сети {network}.' },
  { en: 'Beyond the gateway nothing routes {dst}: the packet is lost.', ru: 'За шлюзом {dst} никто не маршрутизирует: пакет теряется.' },
  { en: 'The gateway forwards the packet to the internet, where {dst} answers.', ru: 'Шлюз пересылает пакет в интернет, где отвечает {dst}.' },
  { en: '{ip} is already in the neighbour cache ({mac}, used {seconds} s ago): no ARP request.', ru: '{ip} уже есть в кэше соседей ({mac}, использован {seconds} с назад): ARP-запрос не нужен.' },
  { en: 'ARP who-has {ip}? broadcast on {device}.', ru: 'ARP-запрос «у кого {ip}?» — широковещательно на {device}.' },
  { en: 'Nobody answers ARP for {ip}: the neighbour entry goes FAILED.', ru: 'На ARP для {ip} никто не отвечает: запись соседа переходит в FAILED.' },
  { en: '{ip} is-at {mac}: {holder:holder} answers; the entry is cached (REACHABLE).', ru: '{ip} находится по MAC {mac}: отвечает {holder}; запись попадает в кэш (REACHABLE).' },
  { en: 'The SYN-ACK reaches {who:who}: the connection is established.', ru: 'SYN-ACK доходит до цели ({who}): соединение установлено.' },
  { en: 'The echo reply reaches {who:who}.', ru: 'Эхо-ответ доходит до цели ({who}).' },
  { en: '{who:who} receives the echo request (ttl {ttl}) and the kernel answers with an echo reply.', ru: '{who} получает эхо-запрос (ttl {ttl}), и ядро отвечает эхо-ответом.' },
  { en: '{who:who}: {by:listener} listens on {protocol} port {port} and {answer:answer}.', ru: '{who}: {by} слушает порт {protocol} {port} и {answer}.' },
  {
    en: 'Nothing listens on {protocol} port {port} in {who:who}: {answer:refusal} (Connection refused).',
    ru: 'Порт {protocol} {port} никто не слушает ({who}): {answer} (Connection refused).',
  },
  { en: 'No route matches {dst}: Network is unreachable.', ru: 'Ни один маршрут не подходит для {dst}: Network is unreachable.' },
  {
    en: 'Route lookup for {dst}: {route}. A blackhole route: the kernel discards the packet silently (the client times out).',
    ru: 'Поиск маршрута для {dst}: {route}. Это маршрут blackhole: ядро молча отбрасывает пакет (у клиента истекает тайм-аут).',
  },
  {
    en: 'The {bytes}-byte packet does not fit the MTU {mtu} of {device} and DF is set: dropped with ICMP fragmentation needed.',
    ru: 'Пакет в {bytes} байт не помещается в MTU {mtu} устройства {device}, а флаг DF установлен: он отброшен с ICMP fragmentation needed.',
  },
  {
    en: '{direction:Direction} would be denied by {policies} if the CNI enforced NetworkPolicy; {plugin} does not, so the packet passes.',
    ru: '{direction} был бы запрещён политиками {policies}, если бы CNI применял NetworkPolicy; {plugin} их не применяет, и пакет проходит.',
  },
  {
    en: 'No NetworkPolicy selects the source pod for egress: not isolated, allowed.',
    ru: 'Ни одна NetworkPolicy не выбирает под-источник для egress: он не изолирован, трафик разрешён.',
  },
  {
    en: 'No NetworkPolicy selects the destination pod for ingress: not isolated, allowed.',
    ru: 'Ни одна NetworkPolicy не выбирает под-получатель для ingress: он не изолирован, трафик разрешён.',
  },
  { en: '{direction:Direction} allowed by {policy} ({rule:direction} rule {index}, peer {peer}).', ru: '{direction} разрешён политикой {policy} (правило {rule} № {index}, пир {peer}).' },
  { en: '{direction:Direction} allowed by {policy} ({rule:direction} rule {index}).', ru: '{direction} разрешён политикой {policy} (правило {rule} № {index}).' },
  { en: 'Traffic of a pod to itself is never restricted by NetworkPolicy.', ru: 'Трафик пода к самому себе NetworkPolicy никогда не ограничивает.' },
  {
    en: '{explanation:policyExplanation} The {plugin} policy rules drop the packet silently (the client times out).',
    ru: '{explanation} Правила политик {plugin} молча отбрасывают пакет (у клиента истекает тайм-аут).',
  },
  {
    en: 'The {direction} policy map of {pod} has no entry for {remote}: cilium matches an ipBlock only against addresses outside the cluster, never a pod\'s or node\'s own identity (cilium#9209). Dropped: Policy denied.',
    ru: 'В карте политик {direction} пода {pod} нет записи для {remote}: cilium сопоставляет ipBlock только с адресами вне кластера, но не с собственной идентичностью пода или узла (cilium#9209). Пакет отброшен: Policy denied.',
  },
  {
    en: "The packet comes from the endpoint's own node (reserved:host, ID:1): cilium lets the host reach its endpoints whatever the policies.",
    ru: 'Пакет идёт от собственного узла конечной точки (reserved:host, ID:1): cilium пропускает хост к его конечным точкам независимо от политик.',
  },
  {
    en: "cilium's socket LB (cgroup connect hook) looks up {type:token} {frontend:token} of {service:token} (service ID {id}): backend {backend} of {count} (no kube-proxy, no KUBE-* chains: cilium's kube-proxy replacement). The socket is connected to the backend: the packet leaves with it as destination.",
    ru: 'Балансировщик сокетов cilium (хук cgroup connect) находит {type} {frontend} сервиса {service} (ID сервиса {id}): бэкенд {backend} из {count} (kube-proxy нет, цепочек KUBE-* нет: cilium заменяет kube-proxy). Сокет подключается прямо к бэкенду: пакет уходит уже с его адресом.',
  },
  {
    en: "bpf_host on {device} looks up {type:token} {frontend:token} of {service:token} (service ID {id}): backend {backend} of {count} (no kube-proxy, no KUBE-* chains: cilium's kube-proxy replacement).",
    ru: 'bpf_host на {device} находит {type} {frontend} сервиса {service} (ID сервиса {id}): бэкенд {backend} из {count} (kube-proxy нет, цепочек KUBE-* нет: cilium заменяет kube-proxy).',
  },
  {
    en: "cilium's socket LB (cgroup connect hook) finds {type:token} {frontend:token} of {service:token} (service ID {id}) with no backend: connect() fails with No route to host.",
    ru: 'Балансировщик сокетов cilium (хук cgroup connect) находит {type} {frontend} сервиса {service} (ID сервиса {id}) без бэкендов: connect() завершается ошибкой No route to host.',
  },
  {
    en: 'bpf_host on {device} finds {type:token} {frontend:token} of {service:token} (service ID {id}) with no backend: the packet is dropped (Service backend not found).',
    ru: 'bpf_host на {device} находит {type} {frontend} сервиса {service} (ID сервиса {id}) без бэкендов: пакет отброшен (Service backend not found).',
  },
  {
    en: "The backend is on {node}: bpf_host SNATs the source {src} → {dst} (kube-proxy replacement's default SNAT mode) so the reply comes back through {via}.",
    ru: 'Бэкенд находится на {node}: bpf_host подменяет источник {src} → {dst} (режим SNAT по умолчанию при замене kube-proxy), чтобы ответ вернулся через {via}.',
  },
  {
    en: "The API would stop this {direction} ({policies}), but the packet comes from the destination's own node, which weave-npc does not police (OUTPUT, not FORWARD): weave-npc's chains accept it.",
    ru: 'По API этот {direction} был бы запрещён ({policies}), но пакет идёт с собственного узла получателя, а его weave-npc не проверяет (OUTPUT, а не FORWARD): цепочки weave-npc его пропускают.',
  },
  {
    en: "The API would stop this {direction} ({policies}), but weave-npc refused {refused} (named ports in network policies is not supported yet), so it isolates nothing: weave-npc's chains accept it.",
    ru: 'По API этот {direction} был бы запрещён ({policies}), но weave-npc отверг {refused} (именованные порты в политиках не поддерживаются), поэтому она ничего не изолирует: цепочки weave-npc его пропускают.',
  },
  {
    en: "weave-npc reads only the first port of a port range (endPort is ignored): no rule of weave-npc's chains accepts {flow}, and the weave bridge drops the packet (the client times out).",
    ru: 'weave-npc берёт только первый порт диапазона (endPort игнорируется): ни одно правило цепочек weave-npc не принимает {flow}, и мост weave отбрасывает пакет (у клиента истекает тайм-аут).',
  },
  {
    en: 'nat POSTROUTING → {chain}: cilium masquerades pod traffic leaving the pod network: source {src} → {dst}.',
    ru: 'nat POSTROUTING → {chain}: cilium маскирует трафик подов, покидающий сеть подов: источник {src} → {dst}.',
  },
  {
    en: 'The reply belongs to a tracked connection (conntrack ESTABLISHED): policies let it through without evaluation.',
    ru: 'Ответ относится к отслеживаемому соединению (conntrack ESTABLISHED): политики пропускают его без проверки.',
  },
];

const reason: Phrase[] = [
  { en: 'the packet looped for {steps} steps (routing loop)', ru: 'пакет прошёл по кругу {steps} шагов (петля маршрутизации)' },
  { en: "no answer to ARP for {ip} on {pod}'s eth0: No route to host", ru: 'нет ответа на ARP для {ip} на eth0 пода {pod}: No route to host' },
  { en: 'TTL exceeded at node {node}', ru: 'TTL истёк на узле {node}' },
  { en: 'the route to {dst} is on {device}, which is down', ru: 'маршрут к {dst} идёт через {device}, а это устройство выключено' },
  { en: 'no cilium endpoint owns {dst} (drop reason 150: Unknown L3 target address)', ru: 'ни одна конечная точка cilium не владеет {dst} (drop reason 150: Unknown L3 target address)' },
  { en: 'no node holds {via}, the IPIP peer of {dst}', ru: 'ни у одного узла нет адреса {via} — IPIP-пира для {dst}' },
  { en: 'no VTEP owns {via}: no neighbour entry on {device}', ru: 'ни один VTEP не владеет {via}: на {device} нет записи соседа' },
  { en: 'no answer to ARP for {ip} on {device}', ru: 'нет ответа на ARP для {ip} на {device}' },
  { en: 'no KUBE-SERVICES rule for {service} on {node}', ru: 'нет правила KUBE-SERVICES для {service} на {node}' },
  { en: 'no KUBE-SERVICES rule for {service} on {node} since `iptables {args}` (event {seq})', ru: 'нет правила KUBE-SERVICES для {service} на {node} после `iptables {args}` (событие {seq})' },
  { en: 'service {service} has no endpoints', ru: 'у сервиса {service} нет конечных точек' },
  { en: 'rejected by {hook} on {node} ({rule})', ru: 'отклонено {hook} на {node} ({rule})' },
  { en: 'dropped by {hook} on {node} ({rule})', ru: 'отброшено {hook} на {node} ({rule})' },
  {
    en: 'no pod answers ARP for {dst} on {bridge} of node {node}: the node returns ICMP host unreachable (No route to host)',
    ru: 'ни один под не отвечает на ARP для {dst} на {bridge} узла {node}: узел возвращает ICMP host unreachable (No route to host)',
  },
  { en: 'no flannel lease owns {via}: no neighbour entry on {device}', ru: 'ни одна аренда flannel не владеет {via}: на {device} нет записи соседа' },
  { en: "nothing answers ARP for {ip} on {node}'s eth0: No route to host", ru: 'никто не отвечает на ARP для {ip} на eth0 узла {node}: No route to host' },
  { en: 'router {router} has no route to {dst}', ru: 'у маршрутизатора {router} нет маршрута к {dst}' },
  { en: 'TTL exceeded at router {router}', ru: 'TTL истёк на маршрутизаторе {router}' },
  { en: 'router {router}: nothing answers ARP for {ip}', ru: 'маршрутизатор {router}: никто не отвечает на ARP для {ip}' },
  { en: '{dst} is not routed outside the cluster', ru: '{dst} не маршрутизируется за пределами кластера' },
  { en: '{who:who} answers ping', ru: 'на ping отвечает {who}' },
  { en: '{by:listener} on {who:who} accepted {protocol}/{port}', ru: '{by} ({who}) принимает {protocol}/{port}' },
  { en: 'nothing listens on {protocol} port {port} in {who:who}', ru: 'порт {protocol} {port} никто не слушает ({who})' },
  { en: 'no route to {dst} in {where:who}', ru: 'нет маршрута к {dst} ({where})' },
  { en: '{dst} matches the route {route} on {node}', ru: '{dst} попадает в маршрут {route} на {node}' },
  { en: 'packet of {bytes} bytes exceeds the MTU {mtu} of {device} on {node}', ru: 'пакет в {bytes} байт больше MTU {mtu} устройства {device} на {node}' },
  { en: '{direction} denied by NetworkPolicy {policies}: no rule allows {flow}', ru: '{direction} запрещён политиками NetworkPolicy {policies}: ни одно правило не разрешает {flow}' },
  { en: '{direction} denied by NetworkPolicy', ru: '{direction} запрещён NetworkPolicy' },
  {
    en: '{direction} denied by NetworkPolicy {policies}: cilium never matches an ipBlock against pod or node IPs',
    ru: '{direction} запрещён политиками NetworkPolicy {policies}: cilium никогда не сопоставляет ipBlock с IP подов и узлов',
  },
  { en: '{direction} denied by weave-npc: weave-npc reads only the first port of a port range (endPort is ignored)', ru: '{direction} запрещён weave-npc: weave-npc берёт только первый порт диапазона (endPort игнорируется)' },
  { en: "service {service} has no backends (cilium's socket LB)", ru: 'у сервиса {service} нет бэкендов (балансировщик сокетов cilium)' },
  { en: 'service {service} has no backends (cilium: Service backend not found)', ru: 'у сервиса {service} нет бэкендов (cilium: Service backend not found)' },
];

const explanation: Phrase[] = [
  { en: '{reason:reason}.', ru: '{reason}.' },
  { en: '{reason:reason}. {recovery:recovery}', ru: '{reason}. {recovery}' },
  { en: '{explanation:policyExplanation}', ru: '{explanation}' },
];

/** The policy engine's sentence (netpol/explain.ts, enforcement.ts). */
const policyExplanation: Phrase[] = [
  { en: 'Allowed: traffic from {pod} to itself is never restricted by NetworkPolicy.', ru: 'Разрешено: трафик {pod} к самому себе NetworkPolicy никогда не ограничивает.' },
  { en: 'Allowed: {egress:clause}; {ingress:clause}.', ru: 'Разрешено: {egress}; {ingress}.' },
  { en: 'Denied: {egress:clause}; {ingress:clause}.', ru: 'Запрещено: {egress}; {ingress}.' },
  {
    en: 'Allowed: {plugin} does not enforce NetworkPolicy; would be denied by {policies} if the CNI enforced NetworkPolicy. ({explanation:policyExplanation})',
    ru: 'Разрешено: {plugin} не применяет NetworkPolicy; трафик был бы запрещён политиками {policies}, если бы CNI их применял. ({explanation})',
  },
];

const clause: Phrase[] = [
  { en: '{end} uses the host network, so no {direction} policy applies to it', ru: '{end} использует сеть хоста, поэтому политики {direction} к нему не применяются' },
  { en: '{end} is not a pod, so no {direction} policy applies to it', ru: '{end} — не под, поэтому политики {direction} к нему не применяются' },
  { en: 'no NetworkPolicy selects {end} for {direction}', ru: 'ни одна NetworkPolicy не выбирает {end} для {direction}' },
  { en: 'egress from {end} is allowed by {matches:ruleMatches}', ru: 'egress из {end} разрешён: {matches}' },
  { en: 'ingress to {end} is allowed by {matches:ruleMatches}', ru: 'ingress в {end} разрешён: {matches}' },
  { en: 'egress from {end} is isolated by {policies:list} and no rule allows {flow} to {other}', ru: 'egress из {end} изолирован политиками {policies}, и ни одно правило не разрешает {flow} к {other}' },
  { en: 'ingress to {end} is isolated by {policies:list} and no rule allows {flow} from {other}', ru: 'ingress в {end} изолирован политиками {policies}, и ни одно правило не разрешает {flow} от {other}' },
];

/** When kube-proxy puts removed rules back (node-iptables/explain.ts, kube-proxy/explain.ts). */
const recovery: Phrase[] = [
  {
    en: "No kube-proxy runs on {node} (cilium's kube-proxy replacement): nothing writes KUBE-* service rules back; Services are cilium's eBPF load balancer's.",
    ru: 'На {node} нет kube-proxy (cilium заменяет kube-proxy): правила сервисов KUBE-* никто не восстанавливает; сервисами занимается eBPF-балансировщик cilium.',
  },
  {
    en: "kube-proxy {version}'s rules on {node} are as it wrote them: nothing to recover (its next sync, {kind:syncKind}, is at {at}).",
    ru: 'Правила kube-proxy {version} на {node} такие, какими он их записал: восстанавливать нечего (следующая синхронизация, {kind}, в {at}).',
  },
  {
    en: "kube-proxy {version}'s service chains were deleted: its next sync, a partial one at {at}, will fail on the missing chains, and the full sync it retries {retry}s later, at {full}, restores every rule and jump.",
    ru: 'Цепочки сервисов kube-proxy {version} удалены: следующая синхронизация, частичная, в {at}, споткнётся о недостающие цепочки, а полная, которую он повторит через {retry} с, в {full}, восстановит все правила и переходы.',
  },
  {
    en: 'kube-proxy 1.26 rewrites every rule on each full sync every {period}: the rules come back at {at}.',
    ru: 'kube-proxy 1.26 переписывает все правила при каждой полной синхронизации раз в {period}: правила вернутся в {at}.',
  },
  {
    en: 'kube-proxy {version} polls its KUBE-PROXY-CANARY chain in the mangle table every {period}: it finds it gone and runs a full sync at {at}, restoring every rule and jump.',
    ru: 'kube-proxy {version} раз в {period} проверяет свою цепочку KUBE-PROXY-CANARY в таблице mangle: не найдя её, он в {at} выполнит полную синхронизацию и восстановит все правила и переходы.',
  },
  {
    en: "kube-proxy {version}'s last iptables-restore failed, so it retries with a full sync {period} later, at {at}, restoring every rule and jump.",
    ru: 'Последний iptables-restore kube-proxy {version} завершился ошибкой, поэтому через {period}, в {at}, он повторит попытку полной синхронизацией и восстановит все правила и переходы.',
  },
  { en: 'kube-proxy {version} starts with a full sync at {at}, writing every rule and jump.', ru: 'kube-proxy {version} запускается с полной синхронизации в {at} и записывает все правила и переходы.' },
  {
    en: 'kube-proxy {version} syncs the Service/Endpoint change at {at} as a full sync, restoring every rule and jump.',
    ru: 'kube-proxy {version} применит изменение Service/Endpoint в {at} полной синхронизацией и восстановит все правила и переходы.',
  },
  {
    en: 'kube-proxy {version} syncs the Service/Endpoint change at {at} as a partial sync: the KUBE-* chains come back, but jumps from built-in chains return only with a full sync (restart or canary loss).',
    ru: 'kube-proxy {version} применит изменение Service/Endpoint в {at} частичной синхронизацией: цепочки KUBE-* вернутся, но переходы из встроенных цепочек — только при полной (перезапуск или потеря canary).',
  },
  {
    en: 'kube-proxy {version} does not notice a flush (it only checks its mangle canary chain) and has no periodic full sync: the next sync is a partial one at {at}, which restores the KUBE-* chains but not the jumps from built-in chains; restart kube-proxy or delete its canary to get them back.',
    ru: 'kube-proxy {version} не замечает очистку (он проверяет только свою canary-цепочку в mangle) и не делает периодических полных синхронизаций: следующая, частичная, в {at}, вернёт цепочки KUBE-*, но не переходы из встроенных цепочек; чтобы вернуть их, перезапустите kube-proxy или удалите его canary.',
  },
];

/** Phrases nested in the sentences above. */
const fragments = {
  port: [
    { en: 'a port of {bridge}', ru: 'это порт моста {bridge}' },
    { en: 'a point-to-point veth on no bridge: the node routes whatever comes out of it', ru: 'это veth «точка-точка» без моста: узел маршрутизирует всё, что из него выходит' },
  ],
  weaveRouter: [
    { en: 'the Open vSwitch datapath (fastdp) through vethwe-bridge', ru: 'датапас Open vSwitch (fastdp) через vethwe-bridge' },
    { en: 'the weave router process (sleeve) through vethwe-pcap', ru: 'процесс маршрутизатора weave (sleeve) через vethwe-pcap' },
  ],
  encapsulation: [
    { en: 'IP-in-IP (IP protocol 4)', ru: 'IP-in-IP (IP-протокол 4)' },
    { en: "weave's sleeve encapsulation inside UDP", ru: 'инкапсуляцию sleeve от weave внутри UDP' },
    { en: 'VXLAN (VNI {vni}, the source security identity) inside UDP', ru: 'VXLAN (VNI {vni} — идентификатор безопасности источника) внутри UDP' },
    { en: 'VXLAN (VNI {vni}) inside UDP', ru: 'VXLAN (VNI {vni}) внутри UDP' },
    { en: 'VXLAN inside UDP', ru: 'VXLAN внутри UDP' },
  ],
  carrier: [
    { en: 'UDP {from} → {to}', ru: 'UDP {from} → {to}' },
    { en: 'ESP (IP protocol 50) {from} → {to}', ru: 'ESP (IP-протокол 50) {from} → {to}' },
  ],
  socket: [
    { en: 'IP protocol 4 belongs to the ipip module', ru: 'IP-протокол 4 принадлежит модулю ipip' },
    { en: 'UDP port {port} belongs to the weave router', ru: 'UDP-порт {port} принадлежит маршрутизатору weave' },
    { en: "UDP port {port} belongs to the kernel's VXLAN socket", ru: 'UDP-порт {port} принадлежит VXLAN-сокету ядра' },
  ],
  decider: [
    { en: "Service {service} has no endpoints: kube-proxy's filter rule", ru: 'у сервиса {service} нет конечных точек, и правило kube-proxy в filter' },
    { en: 'the rule `iptables {args}` (event {seq})', ru: 'правило `iptables {args}` (событие {seq})' },
    { en: 'the rule {rule}', ru: 'правило {rule}' },
    { en: "the chain's policy", ru: 'политика цепочки' },
  ],
  owner: [
    { en: 'node {node}', ru: 'узел {node}' },
    { en: 'router {router}', ru: 'маршрутизатор {router}' },
    { en: 'the host gateway', ru: 'шлюз хоста' },
  ],
  holder: [
    { en: '{veth}, the host side of the veth, by proxy ARP (there is no {gateway} anywhere)', ru: '{veth}, хостовая сторона veth, через proxy ARP (адреса {gateway} нет нигде)' },
    { en: "eBPF on {veth} (cilium's ARP responder for the router IP of cilium_host)", ru: 'eBPF на {veth} (ARP-ответчик cilium для router IP устройства cilium_host)' },
    { en: "the bridge {bridge} (the pod's gateway)", ru: 'мост {bridge} (шлюз пода)' },
    { en: 'the weave bridge of {node} (across the overlay)', ru: 'мост weave узла {node} (через оверлей)' },
    { en: 'pod {pod} (same node, same /24)', ru: 'под {pod} (тот же узел, та же /24)' },
    { en: 'pod {pod} (same node)', ru: 'под {pod} (тот же узел)' },
    { en: 'pod {pod} (on {node}: the weave router carries the ARP across the overlay)', ru: 'под {pod} (на {node}: маршрутизатор weave переносит ARP через оверлей)' },
    { en: 'pod {pod}', ru: 'под {pod}' },
    { en: 'node {node}', ru: 'узел {node}' },
    { en: 'router {router}', ru: 'маршрутизатор {router}' },
    { en: 'the host gateway', ru: 'шлюз хоста' },
  ],
  /** Where a packet arrived: "default/web", "node minikube", "router r", "pod x/y" or an address. */
  who: [
    { en: 'node {node}', ru: 'узел {node}' },
    { en: 'router {router}', ru: 'маршрутизатор {router}' },
    { en: 'pod {pod}', ru: 'под {pod}' },
    { en: '{name}', ru: '{name}' },
  ],
  listener: [
    { en: 'the remote host', ru: 'удалённый хост' },
    { en: 'container {container} port {port}', ru: 'контейнер {container}, порт {port}' },
    { en: '{program}', ru: '{program}' },
  ],
  answer: [
    { en: 'answers SYN-ACK', ru: 'отвечает SYN-ACK' },
    { en: 'answers INIT-ACK', ru: 'отвечает INIT-ACK' },
    { en: 'receives the datagram', ru: 'принимает датаграмму' },
  ],
  refusal: [
    { en: 'the kernel answers RST', ru: 'ядро отвечает RST' },
    { en: 'the kernel answers ABORT', ru: 'ядро отвечает ABORT' },
    { en: 'the kernel answers ICMP port unreachable', ru: 'ядро отвечает ICMP port unreachable' },
  ],
  Direction: [
    { en: 'Egress', ru: 'Исходящий трафик (egress)' },
    { en: 'Ingress', ru: 'Входящий трафик (ingress)' },
  ],
  direction: [
    { en: 'egress', ru: 'egress' },
    { en: 'ingress', ru: 'ingress' },
  ],
  syncKind: [
    { en: 'full', ru: 'полная' },
    { en: 'partial', ru: 'частичная' },
  ],
  list: [
    { en: '{first} and {last}', ru: '{first} и {last}' },
    { en: '{one}', ru: '{one}' },
  ],
  ruleMatch: [
    { en: '{policy:token} ({direction:token} rule {index:token}, any peer)', ru: '{policy} (правило {direction} № {index}, любой пир)' },
    { en: '{policy:token} ({direction:token} rule {index:token}, peer {peer:token})', ru: '{policy} (правило {direction} № {index}, пир {peer})' },
  ],
  ruleMatches: [
    { en: '{first:ruleMatch}, {rest:ruleMatches}', ru: '{first}, {rest}' },
    { en: '{first:ruleMatch} and {last:ruleMatch}', ru: '{first} и {last}' },
    { en: '{one:ruleMatch}', ru: '{one}' },
  ],
} satisfies Record<string, Phrase[]>;

export const phrasebook = { hop, reason, explanation, policyExplanation, clause, recovery, ...fragments };
export type PhraseKind = keyof typeof phrasebook;

type Part = { literal: string } | { name: string; kind?: PhraseKind | 'token' };

interface Compiled {
  id: string;
  parts: Part[];
  ru: string;
}

function compile(kind: PhraseKind, phrase: Phrase, index: number): Compiled {
  const parts: Part[] = [];
  let last = 0;
  for (const match of phrase.en.matchAll(/\{(\w+)(?::(\w+))?\}/g)) {
    if (match.index > last) parts.push({ literal: phrase.en.slice(last, match.index) });
    parts.push({ name: match[1], ...(match[2] ? { kind: match[2] as PhraseKind | 'token' } : {}) });
    last = match.index + match[0].length;
  }
  if (last < phrase.en.length) parts.push({ literal: phrase.en.slice(last) });
  return { id: `${kind}[${index}]`, parts, ru: phrase.ru };
}

/** Templates with more fixed text first: "…{route}. Forwarding decrements…" before "…{route}.". */
const compiled = Object.fromEntries(
  Object.entries(phrasebook).map(([kind, phrases]) => {
    const literalLength = (entry: Compiled) => entry.parts.reduce((sum, part) => sum + ('literal' in part ? part.literal.length : 0), 0);
    const entries = phrases.map((phrase, index) => compile(kind as PhraseKind, phrase, index));
    return [kind, entries.sort((a, b) => literalLength(b) - literalLength(a))];
  }),
) as Record<PhraseKind, Compiled[]>;

/**
 * Reads `text` as one of the templates of `kind` and writes it in Russian; undefined when no template reads it.
 * `used` collects the templates that did (the spec checks that none is dead).
 */
export function toRussian(kind: PhraseKind, text: string, used?: Set<string>): string | undefined {
  for (const entry of compiled[kind]) {
    const values = read(entry.parts, 0, text, 0, {}, used);
    if (!values) continue;
    used?.add(entry.id);
    return entry.ru.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  }
  return undefined;
}

/** Matches parts[i..] against text[at..], backtracking over where each parameter ends. */
function read(parts: Part[], i: number, text: string, at: number, values: Record<string, string>, used?: Set<string>): Record<string, string> | undefined {
  if (i === parts.length) return at === text.length ? values : undefined;
  const part = parts[i];
  if ('literal' in part) return text.startsWith(part.literal, at) ? read(parts, i + 1, text, at + part.literal.length, values, used) : undefined;
  const next = parts[i + 1] as { literal: string } | undefined;
  const ends = next ? occurrences(text, next.literal, at + 1) : [text.length];
  for (const end of ends) {
    const value = text.slice(at, end);
    const translated = part.kind && part.kind !== 'token' ? toRussian(part.kind, value, used) : plain(value, part.kind === 'token');
    if (translated === undefined) continue;
    const found = read(parts, i + 1, text, end, { ...values, [part.name]: translated }, used);
    if (found) return found;
  }
  return undefined;
}

/** A parameter is an address, a name or a rule: never a sentence of its own; a token has no spaces at all. */
function plain(value: string, token: boolean): string | undefined {
  return (token ? /\s/ : /\. |^\s|\s$/).test(value) ? undefined : value;
}

function occurrences(text: string, literal: string, from: number): number[] {
  const found: number[] = [];
  for (let index = text.indexOf(literal, from); index >= 0; index = text.indexOf(literal, index + 1)) found.push(index);
  return found;
}

const REPLY = 'Reply: ';

/** A hop's summary in Russian (the reply's hops are prefixed "Reply: "); undefined when no template reads it. */
export function hopSummaryInRussian(summary: string, used?: Set<string>): string | undefined {
  if (summary.startsWith(REPLY)) {
    const rest = toRussian('hop', summary.slice(REPLY.length), used);
    return rest === undefined ? undefined : `Ответ: ${rest}`;
  }
  return toRussian('hop', summary, used);
}
